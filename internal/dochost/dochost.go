// Package dochost knows the hosts that keep other people's documents: the
// statement registries, content delivery networks, cloud storage, file
// sharing, document publishing and link shorteners. A statement kept on
// one says nothing of where its organisation's website is, so the address
// of a statement there never gives a website (orglist), and a website
// worked out from one before is taken back (store).
package dochost

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// domains are hosts that serve documents for others: each one and its
// subdomains. Where a service's hosts vary in a middle label (the region
// of an S3 bucket) the common suffix is listed.
var domains = []string{
	// the registries and Companies House
	"modern-slavery-statement-registry.service.gov.uk", "assets.publishing.service.gov.uk",
	"company-information.service.gov.uk", "companieshouse.gov.uk", "modernslaveryregistry.org",
	// cloud storage and content delivery
	"amazonaws.com", "cloudfront.net", "blob.core.windows.net", "azureedge.net", "azurefd.net", "windows.net",
	"googleusercontent.com", "googleapis.com", "storage.cloud.google.com", "appspot.com",
	"akamaihd.net", "akamaized.net", "edgekey.net", "edgesuite.net", "fastly.net", "cdn77.org", "b-cdn.net",
	"kxcdn.com", "r2.dev", "digitaloceanspaces.com", "backblazeb2.com", "cloudinary.com", "imgix.net",
	// website builders' and content systems' file hosts
	"wp.com", "files.wordpress.com", "wixstatic.com", "squarespace-cdn.com", "static1.squarespace.com",
	"cdn.shopify.com", "ctfassets.net", "bigcontent.io", "brandfolder.io", "hubspot.net", "hubspotusercontent.com",
	"hs-sites.com", "prismic.io", "sanity.io", "datocms-assets.com", "storyblok.com", "contentstack.io",
	"cdn.prod.website-files.com", "website-files.com", "webflow.io", "umbraco.io", "sitecorecontenthub.cloud",
	// file sharing and office documents
	"drive.google.com", "docs.google.com", "sites.google.com", "sharepoint.com", "onedrive.live.com", "1drv.ms",
	"dropbox.com", "dropboxusercontent.com", "box.com", "wetransfer.com",
	// document publishing
	"issuu.com", "scribd.com", "yumpu.com", "flipsnack.com", "flippingbook.com", "calameo.com", "slideshare.net",
	"docdroid.net", "pdfhost.io", "readkong.com", "anyflip.com", "fliphtml5.com", "publuu.com", "paperturn-view.com",
	// links to elsewhere, archives, social networks
	"bit.ly", "tinyurl.com", "t.co", "ow.ly", "lnkd.in", "linkedin.com", "facebook.com", "twitter.com", "x.com",
	"youtube.com", "archive.org",
}

// families are services whose hosts vary in a label of their own
// (hubspotusercontent-na1.net, hubspotusercontent-eu1.net).
var families = []string{"hubspotusercontent"}

// reFileLabel is a first label that names a host for files rather than a
// website: cdn.example.co.uk, assets.example.com, files2.example.org.
var reFileLabel = regexp.MustCompile(`^(cdn|static|assets?|files?|media|downloads?|uploads?|content|img|images|docs|documents|s3)[0-9-]*$`)

// Is reports whether a host keeps documents for others: a registry, a CDN,
// cloud storage, a file share, a document publisher, a link shortener, or
// a host named for files (cdn., assets., files.). It takes a host name
// (with or without a port, any case) or a URL.
func Is(host string) bool {
	h := hostOf(host)
	if h == "" {
		return false
	}
	for _, d := range domains {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	for _, f := range families {
		if strings.Contains(h, f) {
			return true
		}
	}
	// a subdomain for files, not a domain that happens to be called so
	// (media.co.uk)
	first, _, _ := strings.Cut(h, ".")
	site, err := publicsuffix.EffectiveTLDPlusOne(h)
	return err == nil && site != h && reFileLabel.MatchString(first)
}

// hostOf is the lower-case host of a URL or of a host name with or
// without a port.
func hostOf(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return ""
		}
		s = u.Host
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	return strings.TrimSuffix(strings.ToLower(s), ".")
}
