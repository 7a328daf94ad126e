package dev.weft;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The runtime behind the no-argument socket factories: JDBC drivers and other libraries create
 * a {@link javax.net.SocketFactory} from its class name, so there is no caller to hand them a
 * runtime. It is opened on first use with default settings and lives as long as the process
 * (its completion threads do not keep the JVM alive); it is never closed, because sockets a
 * library pooled may outlive any point where closing would be safe.
 */
final class SharedRuntime {
    private SharedRuntime() {
    }

    private static final class Holder {
        static final WeftRuntime RUNTIME = open();

        private static WeftRuntime open() {
            System.Logger log = System.getLogger(SharedRuntime.class.getName());
            try {
                WeftRuntime runtime = WeftRuntime.open();
                log.log(System.Logger.Level.DEBUG, "opened the shared weft runtime for socket factories: {0}", runtime);
                return runtime;
            } catch (IOException e) {
                // A driver that made the factory by class name may swallow the cause: say it here too.
                log.log(System.Logger.Level.ERROR, "cannot open the shared weft runtime", e);
                throw new UncheckedIOException("cannot open the shared weft runtime", e);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.ERROR, "cannot open the shared weft runtime", e);
                throw e;
            }
        }
    }

    static WeftRuntime get() {
        return Holder.RUNTIME;
    }
}
