package reader

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/idna"
)

// ErrUnsupportedScheme is returned for links that are not http or https.
var ErrUnsupportedScheme = errors.New("only http and https links can be saved")

// ErrInvalidLink is returned for text that does not parse as a link.
var ErrInvalidLink = errors.New("not a valid link")

// trackingParams are query parameters that identify a campaign or a click,
// never the page itself.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "_hsenc": true, "_hsmi": true,
}

// ParseLink checks that raw is an absolute http or https URL and returns it
// parsed. The error says what is wrong with the link.
func ParseLink(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("empty link: %w", ErrUnsupportedScheme)
	}
	u, err := url.Parse(raw)
	shown := WithoutCredentials(raw)
	if err != nil {
		// url.Error repeats the link, credentials and all; keep its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%q: %w: %w", shown, ErrInvalidLink, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, fmt.Errorf("%q has no http:// or https:// in front: %w", shown, ErrUnsupportedScheme)
	default:
		return nil, fmt.Errorf("%q is a %s: link: %w", shown, u.Scheme, ErrUnsupportedScheme)
	}
	if u.Hostname() == "" { // "http://:80/" has a Host of ":80" and no host name
		return nil, fmt.Errorf("%q has no host name: %w", shown, ErrUnsupportedScheme)
	}
	return u, nil
}

// NormalizeURL returns the form of a link used to recognise the same article
// saved twice: scheme and host lower-cased, default port, fragment, tracking
// parameters (utm_*, fbclid, gclid, ...) and a trailing slash dropped, the
// remaining query parameters sorted.
func NormalizeURL(raw string) (string, error) {
	u, err := ParseLink(raw)
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	// "host." and "host.." name host; trim them all so normalising is idempotent.
	host = strings.TrimRight(host, ".")
	if host == "" {
		return "", fmt.Errorf("%q has no host name: %w", WithoutCredentials(raw), ErrUnsupportedScheme)
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""

	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			if v != "" {
				b.WriteByte('=')
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	u.RawQuery = b.String()
	u.ForceQuery = false

	if len(u.Path) > 1 {
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = strings.TrimRight(u.RawPath, "/")
	}
	if u.Path == "/" {
		u.Path, u.RawPath = "", ""
	}
	return u.String(), nil
}

// WithoutCredentials returns link without the user name and password a
// link may carry (https://user:pw@host/…): Folio uses them for the fetch
// but never stores or shows them. A link that does not parse comes back
// with anything up to an "@" in its authority cut out all the same.
func WithoutCredentials(link string) string {
	if !strings.Contains(link, "@") {
		return link
	}
	u, err := url.Parse(strings.TrimSpace(link))
	if err == nil {
		if u.User == nil {
			return link
		}
		u.User = nil
		return u.String()
	}
	// Unparsable: drop "user:pw@" after the scheme by hand.
	if i := strings.Index(link, "://"); i >= 0 {
		rest := link[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			return link[:i+3] + rest[at+1:]
		}
	}
	return link
}

// DisplayURL is how a link is shown to a person: without credentials, and
// with an internationalised host name in its own letters (bücher.example,
// not xn--bcher-kva.example or b%C3%BCcher.example).
func DisplayURL(link string) string {
	link = WithoutCredentials(link)
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return link
	}
	host := u.Hostname()
	if h, err := url.PathUnescape(host); err == nil {
		host = h
	}
	if uh, err := idna.Display.ToUnicode(host); err == nil {
		host = uh
	}
	if host == u.Hostname() {
		return link
	}
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	s := u.Scheme + "://" + host + u.EscapedPath()
	if u.RawQuery != "" || u.ForceQuery {
		s += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		s += "#" + u.EscapedFragment()
	}
	return s
}
