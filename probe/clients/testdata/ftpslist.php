<?php
// ftpslist.php logs in and lists the home directory over a protected data
// channel the way a PHP application does with the ftp extension:
// ftp_ssl_connect (explicit TLS; PHP has no implicit TLS), ftp_login,
// passive mode, ftp_nlist. ftp_login sends PBSZ 0 and PROT P itself, and
// nothing verifies the certificate. The password comes from FTP_PASSWORD.
// On failure it prints "FAIL " and the first warning PHP gave, or
// "QUIET " and the call that failed when PHP gave none.
//
//   php ftpslist.php HOST PORT USER
[, $host, $port, $user] = $argv;
$warnings = [];
set_error_handler(function ($no, $msg) use (&$warnings) {
    $warnings[] = $msg;
    return true;
});
function fail(string $call, array $warnings): void
{
    echo $warnings ? "FAIL $warnings[0]\n" : "QUIET $call returned false\n";
    exit(1);
}
$ftp = ftp_ssl_connect($host, (int) $port, 10);
if ($ftp === false) {
    fail("ftp_ssl_connect", $warnings);
}
if (!ftp_login($ftp, $user, getenv("FTP_PASSWORD"))) {
    fail("ftp_login", $warnings);
}
ftp_pasv($ftp, true);
$names = ftp_nlist($ftp, ".");
if ($names === false) {
    fail("ftp_nlist", $warnings);
}
foreach ($names as $name) {
    echo basename($name), "\n";
}
ftp_close($ftp);
