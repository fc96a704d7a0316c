//go:build !linux

package probe

import (
	"net"
	"time"
)

// kernelRTT is unknown outside Linux: callers assume a fast link.
func kernelRTT(net.Conn) (time.Duration, bool) { return 0, false }
