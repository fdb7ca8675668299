package reader

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Whether a page holds an article is judged by the page, not by a word
// count alone: a sixty-word news brief is an article, a 404 page, a login
// wall or a list of links is not, whatever their length.

// pageSignals are what the page says about its kind.
type pageSignals struct {
	article bool // it declares itself an article: og:type, JSON-LD, <article>, a publication date
	refusal bool // it reads as an error or a login page: its title, or a password field
}

// articleTypes are the JSON-LD and og:type kinds that are articles.
var articleTypes = regexp.MustCompile(`"@type"\s*:\s*\[?\s*"(Article|NewsArticle|BlogPosting|Report|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|ReviewNewsArticle|TechArticle|ScholarlyArticle|LiveBlogPosting|SocialMediaPosting|Review|Recipe)"`)

// refusalTitle matches the title of an error or sign-in page, in the
// languages Folio's users read.
var refusalTitle = regexp.MustCompile(`(?i)(\b(404|403|410|500)\b|not found|page not found|access denied|forbidden|\berror\b|sign in|log ?in\b|sign up|subscribe to (read|continue)|seite nicht gefunden|nicht gefunden|anmelden|page introuvable|introuvable|erreur|connexion|se connecter|página no encontrada|no encontrada|iniciar sesión|página não encontrada|não encontrada|entrar|không tìm thấy|đăng nhập|lỗi|ページが見つかりません|見つかりません|ログイン|エラー)`)

// readSignals collects the page's signals before readability changes it.
func readSignals(doc *html.Node, meta pageMeta) pageSignals {
	var s pageSignals
	typ := strings.ToLower(meta.get("og:type"))
	s.article = typ == "article" || strings.HasSuffix(typ, ".article") || meta.get("article:published_time", "datepublished") != ""
	h1 := ""
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.Data {
		case "article":
			s.article = true
		case "script":
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil && articleTypes.MatchString(n.FirstChild.Data) {
				s.article = true
			}
			return false
		case "style", "template", "svg":
			return false
		case "input":
			if strings.EqualFold(attr(n, "type"), "password") {
				s.refusal = true
			}
		case "h1":
			if h1 == "" {
				h1 = textOf(n)
			}
		}
		return true
	})
	if refusalTitle.MatchString(meta.title) && !s.article || h1 != "" && len([]rune(h1)) < 60 && refusalTitle.MatchString(h1) {
		s.refusal = true
	}
	return s
}

// Prose words an article needs: fewer when the page says it is an article,
// more when it reads as an error or login page. Text with no sentences
// (a poem, a list) counts when there is much of it and little is links.
const (
	articleProse      = 30
	declaredProse     = 15
	refusalProse      = 80
	sentencelessWords = 150
)

// isArticle tells whether blocks, those of the body chosen for the page,
// make an article.
func isArticle(blocks []textBlock, sig pageSignals) bool {
	need := articleProse
	if sig.article {
		need = declaredProse
	}
	if sig.refusal {
		need = refusalProse
	}
	prose, all, links := 0, 0, 0
	for _, b := range blocks {
		words, cjk := wordsAndCJK(b.text)
		w := words + cjk/2
		all += w
		if b.runes > 0 {
			links += w * b.links / b.runes
		}
		if b.links*2 <= b.runes && (words >= 6 || cjk >= 15) && endsSentence(b.text) {
			prose += w
		}
	}
	if prose >= need {
		return true
	}
	return !sig.refusal && all >= sentencelessWords && links*3 < all
}
