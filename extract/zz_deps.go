package extract

import (
	_ "github.com/PuerkitoBio/goquery"
	_ "github.com/klippa-app/go-pdfium/webassembly"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/net/html/charset"
	_ "gopkg.in/yaml.v3"
)
