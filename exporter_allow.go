package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ftpsdiag/ftpsdiag/probe"
)

// errNotAllowed is wrapped by every refusal of the allow-list.
var errNotAllowed = errors.New("not in the exporter's allow-list")

// allowList restricts what a scrape may make the exporter connect to.
// Its zero value allows everything. A target passes when its host passes
// and every control port the diagnosis will connect to is listed; data
// connections go to the control connection's address only (the probe
// never follows a PASV address elsewhere), at the port the server names.
type allowList struct {
	names    []string       // host names, lower case, without a trailing dot: trusted wherever they resolve
	prefixes []netip.Prefix // addresses and networks the exporter may connect to
	ports    []portRange    // control ports; none listed = any
}

// portRange is a port or an inclusive range of them.
type portRange struct{ lo, hi int }

// allowFile is an allow-list as the configuration file and the flags
// write it: hosts are names, addresses or CIDR networks; ports are
// numbers or LOW-HIGH ranges.
type allowFile struct {
	Hosts []string `yaml:"hosts"`
	Ports []string `yaml:"ports"`
}

// parseAllow checks and parses an allow-list.
func parseAllow(f allowFile) (allowList, error) {
	var l allowList
	for _, h := range f.Hosts {
		if p, err := netip.ParsePrefix(h); err == nil {
			l.prefixes = append(l.prefixes, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(h); err == nil {
			l.prefixes = append(l.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		t, err := probe.ParseTarget(h)
		if err != nil || t.Port != 0 || t.Mode != "" {
			return allowList{}, fmt.Errorf("hosts: %s: want a host name, an IP address or a CIDR network such as 192.0.2.0/24", clip(h))
		}
		l.names = append(l.names, canonicalName(t.Host))
	}
	for _, p := range f.Ports {
		lo, hi, isRange := strings.Cut(p, "-")
		if !isRange {
			hi = lo
		}
		r := portRange{port(lo), port(hi)}
		if r.lo == 0 || r.hi == 0 || r.lo > r.hi {
			return allowList{}, fmt.Errorf("ports: %s: want a port from 1 to 65535 or a range such as 2121-2130", clip(p))
		}
		l.ports = append(l.ports, r)
	}
	return l, nil
}

// port is s as a port number, or 0 when it is none.
func port(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

// canonicalName is how a host name is compared: DNS names ignore case and
// a trailing dot.
func canonicalName(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// set reports whether l restricts anything.
func (l allowList) set() bool { return len(l.names)+len(l.prefixes)+len(l.ports) > 0 }

// restrictsHosts reports whether l lists hosts at all.
func (l allowList) restrictsHosts() bool { return len(l.names)+len(l.prefixes) > 0 }

// allowsPort reports whether l lets a control connection go to port p.
func (l allowList) allowsPort(p int) bool {
	return len(l.ports) == 0 || slices.ContainsFunc(l.ports, func(r portRange) bool { return r.lo <= p && p <= r.hi })
}

// allowsName reports whether host passes l without looking at its
// addresses: l lists no hosts, or lists this name.
func (l allowList) allowsName(host string) bool {
	return !l.restrictsHosts() || slices.Contains(l.names, canonicalName(host))
}

// allowsAddr reports whether l lets the exporter connect to ip.
func (l allowList) allowsAddr(ip netip.Addr) bool {
	return !l.restrictsHosts() || slices.ContainsFunc(l.prefixes, func(p netip.Prefix) bool { return p.Contains(ip.Unmap()) })
}

// allowLists are the lists a scrape must pass, all of them: the serve
// flags' (for every module) and its module's.
type allowLists []allowList

// checkTarget refuses, before any connection, a target the lists do not
// allow: a port not listed, an address outside the networks, or a name
// not listed that resolves to an address outside them. A name must pass
// with every address it resolves to, so that the answer does not depend
// on which one DNS puts first. A name that does not resolve passes here:
// the diagnosis then reports it, and guard still checks each connection.
func (ls allowLists) checkTarget(ctx context.Context, host string, ports []int) error {
	var addrs []netip.Addr // resolved once, when a list needs it
	for _, l := range ls {
		for _, p := range ports {
			if !l.allowsPort(p) {
				return fmt.Errorf("port %d: %w", p, errNotAllowed)
			}
		}
		if l.allowsName(host) {
			continue
		}
		if ip, err := netip.ParseAddr(host); err == nil {
			if !l.allowsAddr(ip) {
				return fmt.Errorf("%s: %w", ip, errNotAllowed)
			}
			continue
		}
		if addrs == nil {
			var err error
			if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
				return nil
			}
		}
		for _, ip := range addrs {
			if !l.allowsAddr(ip) {
				return fmt.Errorf("%q resolves to %s: %w", host, ip.Unmap(), errNotAllowed)
			}
		}
	}
	return nil
}

// dialGuard connects only to addresses every list allows for host: the
// check by the address actually dialled, which a DNS answer changed after
// checkTarget cannot get round. Safe for concurrent use.
type dialGuard struct {
	lists   allowLists
	host    string                                                            // the target's host, as the lists' names match it
	dial    func(ctx context.Context, network, addr string) (net.Conn, error) // the real dialler
	refused atomic.Pointer[error]                                             // the first refusal
}

// Dial connects to addr, an IP address and port, if the lists allow it.
func (g *dialGuard) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil { // the probe dials resolved addresses only
		return nil, fmt.Errorf("%s is not an address: %w", addr, errNotAllowed)
	}
	for _, l := range g.lists {
		if !l.allowsName(g.host) && !l.allowsAddr(ap.Addr()) {
			err := fmt.Errorf("%q connects to %s: %w", g.host, ap.Addr().Unmap(), errNotAllowed)
			g.refused.CompareAndSwap(nil, &err)
			return nil, err
		}
	}
	return g.dial(ctx, network, addr)
}

// Refused is the first connection Dial refused, or nil.
func (g *dialGuard) Refused() error {
	if err := g.refused.Load(); err != nil {
		return *err
	}
	return nil
}
