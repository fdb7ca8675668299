package reader

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FetchImages downloads every image a.HTML shows, plus a.LeadImage when the
// body does not show it, and records them in a.Images in document order.
// At most ImageWorkers downloads run at once. A failed image never fails
// the article: its Err says why and its Data stays nil.
// The credentials the user gave in the article's link (kept by Fetch and
// ExtractPage in memory only) go with the images on the article's own
// host, never into the stored image addresses.
func (r *Reader) FetchImages(ctx context.Context, a *Article) {
	creds := a.auth
	urls := a.ImageURLs()
	images := make([]Image, len(urls))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(r.imageWorkers(), len(urls)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				images[i] = r.fetchImage(ctx, urls[i], a.URL, creds)
			}
		}()
	}
	for i := range urls {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	a.Images = images
}

func (r *Reader) fetchImage(ctx context.Context, link, referer string, creds *url.Userinfo) Image {
	img := Image{URL: link}
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	fetch := link
	if creds != nil {
		if u, err := url.Parse(link); err == nil && u.User == nil && sameHost(u, referer) {
			u.User = creds
			fetch = u.String()
		}
	}
	resp, data, err := r.get(ctx, fetch, acceptImage, referer, r.maxImage())
	if err != nil {
		img.Err = fmt.Sprintf("fetch image %s: %v", link, err)
		return img
	}
	ct, ok := imageType(resp.Header.Get("Content-Type"), data)
	if !ok {
		img.Err = fmt.Sprintf("fetch image %s: the server sent %s, not an image", link, ct)
		return img
	}
	if ct == "image/svg+xml" {
		// Stored drawn, never as a document that can hold scripts.
		png, err := RasterizeSVG(data)
		if err != nil {
			img.Err = fmt.Sprintf("fetch image %s: %v", link, err)
			return img
		}
		ct, data = "image/png", png
	}
	img.ContentType, img.Data = ct, data
	return img
}

// imageType decides the content type of a downloaded image from its header
// and its first bytes. Sniffing wins when it recognises an image, since
// servers often mislabel; SVG and formats the sniffer does not know are
// trusted from the header unless the bytes are plainly something else.
func imageType(header string, data []byte) (string, bool) {
	declared, _, _ := mime.ParseMediaType(header)
	declared = strings.ToLower(declared)
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	switch {
	case strings.HasPrefix(sniffed, "image/"):
		return sniffed, true
	case declared == "image/svg+xml":
		if (sniffed == "text/xml" || sniffed == "text/plain") && strings.Contains(string(data[:min(len(data), 2048)]), "<svg") {
			return declared, true
		}
		return sniffed, false
	case strings.HasPrefix(declared, "image/") && sniffed == "application/octet-stream":
		return declared, true
	}
	if sniffed == "application/octet-stream" && declared != "" {
		return declared, false
	}
	return sniffed, false
}

// imageURLs lists the distinct http(s) <img src> of an HTML fragment in
// document order.
// ImageURLs lists the images the article shows, in document order, then
// its lead image if the body does not show it: the images FetchImages
// downloads.
func (a *Article) ImageURLs() []string {
	urls := imageURLs(a.HTML)
	if a.LeadImage != "" && isHTTP(a.LeadImage) && !slices.Contains(urls, a.LeadImage) {
		urls = append(urls, a.LeadImage)
	}
	return urls
}

func imageURLs(fragment string) []string {
	if fragment == "" {
		return nil
	}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return nil
	}
	var urls []string
	for _, n := range nodes {
		walk(n, func(n *html.Node) bool {
			if n.Type == html.ElementNode && n.Data == "img" {
				if src := attr(n, "src"); isHTTP(src) && !slices.Contains(urls, src) {
					urls = append(urls, src)
				}
			}
			return true
		})
	}
	return urls
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// sameHost reports whether u is on the host of the page at link.
func sameHost(u *url.URL, link string) bool {
	p, err := url.Parse(link)
	return err == nil && strings.EqualFold(p.Host, u.Host)
}

// credentialsOf returns the user name and password a link carries, if any.
func credentialsOf(link string) *url.Userinfo {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return nil
	}
	return u.User
}
