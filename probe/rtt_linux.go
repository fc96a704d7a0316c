package probe

import (
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// kernelRTT is the kernel's estimate of c's round-trip time (TCP_INFO):
// the network's alone, which neither a busy server nor our own scheduling
// lengthens, unlike a round trip timed from user space.
func kernelRTT(c net.Conn) (time.Duration, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var info *unix.TCPInfo
	var infoErr error
	if err := raw.Control(func(fd uintptr) {
		info, infoErr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil || infoErr != nil {
		return 0, false
	}
	return time.Duration(info.Rtt) * time.Microsecond, true
}
