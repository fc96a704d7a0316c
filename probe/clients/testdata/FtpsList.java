// FtpsList logs in and lists the home directory over a protected data
// channel the way an application on Apache Commons Net does at its
// defaults: FTPSClient with its default trust manager, PBSZ 0 and PROT P
// as the Commons Net examples send them, passive mode. The password comes
// from FTP_PASSWORD; PrintCommandListener hides it from the transcript.
//
//   java -cp CLASSES:commons-net.jar FtpsList HOST PORT explicit|implicit USER
import java.io.PrintWriter;
import java.time.Duration;

import org.apache.commons.net.PrintCommandListener;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

public class FtpsList {
    public static void main(String[] args) {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        boolean implicit = args[2].equals("implicit");
        String user = args[3];
        FTPSClient ftp = new FTPSClient(implicit);
        ftp.addProtocolCommandListener(new PrintCommandListener(new PrintWriter(System.out, true), true));
        ftp.setConnectTimeout(10000);
        ftp.setDefaultTimeout(10000);
        ftp.setDataTimeout(Duration.ofSeconds(10));
        try {
            ftp.connect(host, port);
            if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
                fail("greeting: " + ftp.getReplyString());
            }
            if (!ftp.login(user, System.getenv("FTP_PASSWORD"))) {
                fail("login: " + ftp.getReplyString());
            }
            ftp.execPBSZ(0);
            ftp.execPROT("P");
            ftp.enterLocalPassiveMode();
            String[] names = ftp.listNames();
            System.out.println("* data connection to " + ftp.getPassiveHost() + ":" + ftp.getPassivePort());
            if (names == null) {
                fail("NLST: " + ftp.getReplyString());
            }
            for (String name : names) {
                System.out.println(name);
            }
            ftp.logout();
            ftp.disconnect();
        } catch (Exception e) {
            fail(e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static void fail(String why) {
        System.out.println("FAIL " + why.trim());
        System.exit(1);
    }
}
