// ftpslist.js logs in and lists the home directory over a protected data
// channel the way a Node.js deploy tool on basic-ftp does at its defaults:
// Client.access with secure true (explicit) or "implicit", Node's TLS
// verifying against the CA in NODE_EXTRA_CA_CERTS, then client.list().
// The password comes from FTP_PASSWORD; basic-ftp's verbose log shows
// "PASS ###" in its place. NODE_PATH names the folder holding basic-ftp.
//
//   node ftpslist.js HOST PORT explicit|implicit USER
"use strict";
const ftp = require("basic-ftp");

async function main() {
    const [host, port, mode, user] = process.argv.slice(2);
    const client = new ftp.Client(10000);
    client.ftp.verbose = true;
    try {
        await client.access({
            host, port: Number(port), user, password: process.env.FTP_PASSWORD,
            secure: mode === "implicit" ? "implicit" : true,
        });
        const names = await client.list();
        for (const f of names) {
            console.log(f.name);
        }
    } catch (e) {
        console.log("FAIL " + (e.code ? e.code + ": " : "") + e.message);
        process.exitCode = 1;
    }
    client.close();
}

main();
