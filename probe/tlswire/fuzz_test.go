package tlswire

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func FuzzReadResponse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.hex"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		f.Add(readHex(f, strings.TrimSuffix(filepath.Base(name), ".hex")))
	}
	for _, tc := range syntheticCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, more := range []bool{false, true} {
			c := &counter{r: bytes.NewReader(in)}
			resp, err := ReadResponse(c, more)
			if c.n > maxFlight {
				t.Fatalf("read %d bytes", c.n)
			}
			if len(resp.Certificates) > maxCertificates {
				t.Fatalf("kept %d certificates", len(resp.Certificates))
			}
			if resp.Kind == KindNone && err == nil {
				t.Fatal("KindNone without an error")
			}
			if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) &&
				!errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("unclassified error %v", err)
			}
		}
	})
}
