package tlswire

import (
	"cmp"
	"fmt"
	"slices"
)

// Named groups this package makes key shares for, and the pseudo-groups a
// ServerKeyExchange with explicit curve parameters is reported as.
const (
	GroupSecp256r1          uint16 = 23
	GroupSecp384r1          uint16 = 24
	GroupSecp521r1          uint16 = 25
	GroupX25519             uint16 = 29
	GroupSecP256r1MLKEM768  uint16 = 4587
	GroupX25519MLKEM768     uint16 = 4588
	GroupSecP384r1MLKEM1024 uint16 = 4589
	GroupExplicitPrime      uint16 = 0xFF01
	GroupExplicitChar2      uint16 = 0xFF02
)

// Group is one entry of the IANA "TLS Supported Groups" registry.
type Group struct {
	Code uint16
	Name string
}

// groups is the registry sorted by code. 0x6399 and 0x639A are the
// pre-standard Kyber hybrids browsers sent in 2023–2024.
var groups = []Group{
	{1, "sect163k1"}, {2, "sect163r1"}, {3, "sect163r2"}, {4, "sect193r1"},
	{5, "sect193r2"}, {6, "sect233k1"}, {7, "sect233r1"}, {8, "sect239k1"},
	{9, "sect283k1"}, {10, "sect283r1"}, {11, "sect409k1"}, {12, "sect409r1"},
	{13, "sect571k1"}, {14, "sect571r1"}, {15, "secp160k1"}, {16, "secp160r1"},
	{17, "secp160r2"}, {18, "secp192k1"}, {19, "secp192r1"}, {20, "secp224k1"},
	{21, "secp224r1"}, {22, "secp256k1"}, {23, "secp256r1"}, {24, "secp384r1"},
	{25, "secp521r1"}, {26, "brainpoolP256r1"}, {27, "brainpoolP384r1"},
	{28, "brainpoolP512r1"}, {29, "x25519"}, {30, "x448"},
	{31, "brainpoolP256r1tls13"}, {32, "brainpoolP384r1tls13"},
	{33, "brainpoolP512r1tls13"}, {34, "GC256A"}, {35, "GC256B"}, {36, "GC256C"},
	{37, "GC256D"}, {38, "GC512A"}, {39, "GC512B"}, {40, "GC512C"},
	{41, "curveSM2"},
	{256, "ffdhe2048"}, {257, "ffdhe3072"}, {258, "ffdhe4096"}, {259, "ffdhe6144"},
	{260, "ffdhe8192"},
	{512, "MLKEM512"}, {513, "MLKEM768"}, {514, "MLKEM1024"},
	{4587, "SecP256r1MLKEM768"}, {4588, "X25519MLKEM768"}, {4589, "SecP384r1MLKEM1024"},
	{0x6399, "X25519Kyber768Draft00"}, {0x639A, "SecP256r1Kyber768Draft00"},
	{0xFF01, "arbitrary_explicit_prime_curves"}, {0xFF02, "arbitrary_explicit_char2_curves"},
}

// defaultGroups is what a ClientHello offers when Groups is nil: the modern
// groups in the order a current client prefers them, then every other real
// group by code (not the explicit-curve pseudo-groups).
var defaultGroups = func() []uint16 {
	out := []uint16{
		GroupX25519MLKEM768, GroupSecP256r1MLKEM768, GroupSecP384r1MLKEM1024,
		GroupX25519, GroupSecp256r1, GroupSecp384r1, GroupSecp521r1, 30,
		31, 32, 33, 26, 27, 28, 256, 257, 258, 259, 260,
	}
	for _, g := range groups {
		if !slices.Contains(out, g.Code) && g.Code != GroupExplicitPrime && g.Code != GroupExplicitChar2 {
			out = append(out, g.Code)
		}
	}
	return out
}()

// Groups returns the supported-groups registry sorted by code.
func Groups() []Group { return slices.Clone(groups) }

// LookupGroup returns the registry entry for code.
func LookupGroup(code uint16) (Group, bool) {
	i, ok := slices.BinarySearchFunc(groups, code, func(g Group, c uint16) int { return cmp.Compare(g.Code, c) })
	if !ok {
		return Group{}, false
	}
	return groups[i], true
}

// GroupName returns the registry name of code, or the code as "0x%04X".
func GroupName(code uint16) string {
	if g, ok := LookupGroup(code); ok {
		return g.Name
	}
	return fmt.Sprintf("0x%04X", code)
}
