package reader

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// ErrUnsupportedScheme is returned for links that are not http or https.
var ErrUnsupportedScheme = errors.New("only http and https links can be saved")

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
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid link: %w", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, fmt.Errorf("%q has no http:// or https:// in front: %w", raw, ErrUnsupportedScheme)
	default:
		return nil, fmt.Errorf("%q is a %s: link: %w", raw, u.Scheme, ErrUnsupportedScheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host name: %w", raw, ErrUnsupportedScheme)
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
	host = strings.TrimSuffix(host, ".")
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
