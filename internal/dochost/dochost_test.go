package dochost_test

import (
	"testing"

	"github.com/s54dev/s54/internal/dochost"
)

func TestIs(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		// hosts of the GOV.UK registry's statement addresses
		"https://downloads.modern-slavery-statement-registry.service.gov.uk/publicdownloads/x.pdf": true,
		"modern-slavery-statement-registry.service.gov.uk":                                         true,
		"d1x2y3.cloudfront.net":                                          true,
		"vitacress.s3.amazonaws.com":                                     true,
		"s3.eu-west-1.amazonaws.com":                                     true,
		"evermade-benecol-multisite-website.s3.eu-north-1.amazonaws.com": true,
		"corpsite.azureedge.net":                                         true,
		"acme.blob.core.windows.net":                                     true,
		"lh3.googleusercontent.com":                                      true,
		"drive.google.com":                                               true,
		"docs.google.com":                                                true,
		"acme.sharepoint.com":                                            true,
		"issuu.com":                                                      true,
		"www.dropbox.com":                                                true,
		"i0.wp.com":                                                      true,
		"acme.files.wordpress.com":                                       true,
		"assets.ctfassets.net":                                           true,
		"cdn.shopify.com":                                                true,
		"traegergrills.a.bigcontent.io":                                  true,
		"cdn.brandfolder.io":                                             true,
		"f.hubspotusercontent-na1.net":                                   true,
		"cdn.aldi-digital.co.uk":                                         true,
		"asset1.cxnmarksandspencer.com":                                  true,
		"files.liv-ex.com":                                               true,
		"HTTPS://WWW.ISSUU.COM:443/acme/docs/msa":                        true,
		"bit.ly": true,
		// organisations' own sites
		"www.diageo.com":                               false,
		"about.sainsburys.co.uk":                       false,
		"corporate.lidl.co.uk":                         false,
		"investors.petsathome.com":                     false,
		"www.tescoplc.com":                             false,
		"cranswick.plc.uk":                             false,
		"media.co.uk":                                  false,
		"www.media.co.uk":                              false,
		"www.boxclever.com":                            false,
		"www.leeds.gov.uk":                             false,
		"https://www.abelandcole.co.uk/modern-slavery": false,
		"": false,
	} {
		if got := dochost.Is(host); got != want {
			t.Errorf("Is(%q) = %v, want %v", host, got, want)
		}
	}
}
