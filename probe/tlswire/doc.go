// Package tlswire writes SSL 2.0 (draft-hickman-netscape-ssl-00), SSL 3.0
// (RFC 6101), TLS 1.0–1.2 (RFC 5246) and TLS 1.3 (RFC 8446) ClientHellos by
// hand and classifies the server's first flight, for audits that must offer
// what crypto/tls cannot.
package tlswire
