package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// What ledongthuc/pdf cannot open — AES-256 "secured" PDFs and files whose
// cross-reference table is broken — pdfcpu (pure Go) reads, decrypting and
// rebuilding the table as it goes, and writes again as a plain PDF that the
// walker reads. It takes milliseconds where starting pdfium takes a tenth
// of a second, so pdfium is left for what pdfcpu cannot read either.

// errPDFcpuPassword: the file needs a user password.
var errPDFcpuPassword = errors.New("needs a password")

var pdfcpuSetup sync.Once

// pdfcpuRewrite returns data read and written again by pdfcpu, without
// encryption.
func pdfcpuRewrite(data []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("pdfcpu failure: %v", r)
		}
	}()
	pdfcpuSetup.Do(func() {
		// Without this pdfcpu writes a configuration folder into the
		// user's home on first use.
		model.ConfigPath = "disable"
	})
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// pkg/pdfcpu rather than pkg/api: api pulls in form filling and with it
	// a package whose start-up costs 18 ms in every run of s54.
	ctx, err := pdfcpu.Read(bytes.NewReader(data), conf)
	if err != nil {
		if m := err.Error(); strings.Contains(m, "password") || strings.Contains(m, "pw") {
			return nil, fmt.Errorf("%w: %v", errPDFcpuPassword, err)
		}
		return nil, err
	}
	ctx.Encrypt, ctx.EncKey, ctx.E = nil, nil, nil
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	ctx.Write.Writer = w
	if err := pdfcpu.WriteContext(ctx); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// walkPDFcpuCopy walks pdfcpu's rewrite of data, or says why it could not.
func walkPDFcpuCopy(data []byte) (*walkResult, error) {
	cp, err := pdfcpuRewrite(data)
	if err != nil {
		return nil, err
	}
	r, err := openPDF(cp)
	if err != nil {
		return nil, err
	}
	wr, err := walkPDF(r)
	if err != nil {
		return nil, err
	}
	if len(wr.failed) > 0 || wr.unmapped > wr.mapped {
		return nil, errors.New("the rewritten copy did not read cleanly")
	}
	return wr, nil
}
