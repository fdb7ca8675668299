package reader

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The charset decision of issue 8 (stale meta) and issue 12 (undeclared or
// misdeclared legacy pages), on decode directly.
func TestDecodeDecision(t *testing.T) {
	const (
		vi = "Tiếng Việt là ngôn ngữ của người Việt và là ngôn ngữ chính thức tại Việt Nam, được hàng triệu người sử dụng hằng ngày."
		fr = "Le café crème coûte désormais trois euros cinquante à la brasserie de la gare, une hausse qui a surpris les habitués du matin."
		pt = "A população não está satisfeita com as condições do transporte público, e as reclamações aumentaram na região em março."
		it = "La città è più bella così, perché può crescere senza perdere la sua identità: lo dicono gli abitanti del quartiere."
		zh = "北京市今天发布了新的公共交通计划，将在未来三年内新建五条地铁线路，以缓解城市中心日益严重的交通拥堵问题。"
	)
	tests := []struct {
		name, header, meta, text string
		enc                      encoding.Encoding // how the body is written; nil: UTF-8
	}{
		{"valid utf-8 beats a stale gb2312 meta", "text/html", "gb2312", vi, nil},
		{"valid utf-8 beats a stale windows-1252 meta", "", "windows-1252", fr, nil},
		{"valid utf-8 chinese beats a stale gb2312 meta", "text/html", "gb2312", zh, nil},
		{"gbk meta over gbk bytes still holds", "text/html", "gb2312", zh, simplifiedchinese.GBK},
		{"undeclared windows-1258", "text/html", "", vi, charmap.Windows1258},
		{"utf-8 header over a windows-1258 body", "text/html; charset=utf-8", "", vi, charmap.Windows1258},
		{"utf-8 header over a windows-1252 body", "text/html; charset=UTF-8", "", fr, charmap.Windows1252},
		{"utf-8 meta over a windows-1258 body", "", "utf-8", vi, charmap.Windows1258},
		{"undeclared windows-1252 portuguese is not 1258", "text/html", "", pt, charmap.Windows1252},
		{"undeclared windows-1252 italian is not 1258", "text/html", "", it, charmap.Windows1252},
		{"undeclared windows-1252 french is not 1258", "", "", fr, charmap.Windows1252},
		{"header charset comes before the bytes", "text/html; charset=windows-1258", "", vi, charmap.Windows1258},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := articleHTML(tt.meta, "T", tt.text)
			body := encode(t, tt.enc, page)
			got := string(decode(body, tt.header))
			if !strings.Contains(got, tt.text) {
				t.Errorf("decoded wrong:\n got %q\nwant %q", firstLine(textBetween(got, "<p>", "</p>")), tt.text)
			}
			if strings.ContainsRune(got, '\uFFFD') {
				t.Error("decoded with U+FFFD")
			}
		})
	}
}

// A stray bad byte in a UTF-8 page does not re-read the page in a legacy
// charset.
func TestDecodeNearlyUTF8StaysUTF8(t *testing.T) {
	vi := "Hội nghị được tổ chức trực tuyến từ điểm cầu Hà Nội đến các tỉnh, thành phố trong cả nước."
	body := []byte(articleHTML("", "T", vi+"\xff"))
	got := string(decode(body, "text/html; charset=utf-8"))
	if !strings.Contains(got, vi) {
		t.Errorf("page re-read in another charset: %q", textBetween(got, "<p>", "</p>"))
	}
}

func textBetween(s, a, b string) string {
	if i := strings.Index(s, a); i >= 0 {
		s = s[i+len(a):]
		if j := strings.Index(s, b); j >= 0 {
			return s[:j]
		}
	}
	return s
}

func TestVietSyllable(t *testing.T) {
	for w, want := range map[string]bool{
		"người": true, "Việt": true, "nghiêng": true, "khuya": true, "quốc": true, "gì": true, "đường": true,
		"năm": true, "ăn": true, "uống": true, "NGƯỜI": true,
		"năo": false, "coś": false, "français": false, "über": false, "ẩñ": false, "ăo": false, "hoàả": false,
	} {
		if got := vietSyllable(w); got != want {
			t.Errorf("vietSyllable(%q) = %v, want %v", w, got, want)
		}
	}
}
