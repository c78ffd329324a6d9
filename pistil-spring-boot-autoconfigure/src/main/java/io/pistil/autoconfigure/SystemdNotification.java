package io.pistil.autoconfigure;

import java.time.Duration;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.arbiter.ArbiterHeartbeat;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.net.Systemd;
import io.pistil.process.SocketControl;

/**
 * Tells systemd, when it gave the application a notification socket
 * ({@code NOTIFY_SOCKET}: a service of {@code Type=notify}), how the service is:
 * <ul>
 * <li>{@code READY=1} once the application has started, every pool ready and the web
 * server (if any) up; {@code STOPPING=1} when it begins to stop;</li>
 * <li>{@code WATCHDOG=1} (with {@code WatchdogSec=}) from the arbiter's own loop, twice
 * per watchdog interval: a loop that freezes stops the keep-alives, and systemd restarts
 * the service;</li>
 * <li>{@code STATUS=} with each pool's ready and desired counts, as they change;</li>
 * <li>{@code RELOADING=1} while a reload replaces workers, {@code READY=1} once it is
 * over.</li>
 * </ul>
 *
 * <p>
 * The datagrams leave from the application's own process, through the native layer:
 * {@code systemd-notify}, a process of its own, is ignored under systemd's default
 * {@code NotifyAccess=main}, and may exit before systemd can tell which service it
 * belongs to.
 */
class SystemdNotification implements ArbiterHeartbeat {

	private static final Log logger = LogFactory.getLog(SystemdNotification.class);

	/** The shortest time between two status lines. */
	private static final long STATUS_NANOS = Duration.ofSeconds(1).toNanos();

	private final String socket;

	private final SocketControl sockets;

	/** Half the watchdog interval, or 0 without a watchdog. */
	private final long keepAliveNanos;

	// Touched by the arbiter thread only, but the ready flag.

	private long lastKeepAlive;

	private long lastStatus;

	private String status = "";

	private boolean reloading;

	private volatile boolean ready;

	/**
	 * Creates the notifications.
	 * @param socket the notification socket
	 * @param sockets the native socket layer
	 * @param watchdog the watchdog interval, or null without a watchdog
	 */
	SystemdNotification(String socket, SocketControl sockets, Duration watchdog) {
		this.socket = socket;
		this.sockets = sockets;
		this.keepAliveNanos = (watchdog != null) ? watchdog.toNanos() / 2 : 0;
		long now = System.nanoTime();
		this.lastKeepAlive = now - this.keepAliveNanos;
		this.lastStatus = now - STATUS_NANOS;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		if (Systemd.notify(this.socket, this.sockets, Systemd.READY)) {
			this.ready = true;
			logger.info("pistil: told systemd the application is ready (" + Systemd.READY + ")");
		}
	}

	@EventListener(ArbiterEvent.ArbiterStopping.class)
	void stopping() {
		Systemd.notify(this.socket, this.sockets, Systemd.STOPPING);
	}

	@Override
	public void beat(ArbiterSnapshot snapshot) {
		long now = System.nanoTime();
		if (this.keepAliveNanos > 0 && now - this.lastKeepAlive >= this.keepAliveNanos) {
			this.lastKeepAlive = now;
			Systemd.notify(this.socket, this.sockets, Systemd.WATCHDOG);
		}
		String status = describe(snapshot);
		if (!status.equals(this.status) && now - this.lastStatus >= STATUS_NANOS) {
			this.status = status;
			this.lastStatus = now;
			Systemd.notify(this.socket, this.sockets, "STATUS=" + status);
		}
		boolean reloading = snapshot.pools().stream().anyMatch((pool) -> pool.state() == PoolState.RELOADING);
		if (reloading != this.reloading && this.ready) {
			// systemd's notify-reload services also need the time the reload began.
			Systemd.notify(this.socket, this.sockets,
					reloading ? "RELOADING=1\nMONOTONIC_USEC=" + now / 1000 : Systemd.READY);
		}
		this.reloading = reloading;
	}

	/** For {@code systemctl status}: e.g. "pistil RUNNING: hello 3/3, w1 1/1". */
	private static String describe(ArbiterSnapshot snapshot) {
		return "pistil " + snapshot.state() + ": "
				+ snapshot.pools()
					.stream()
					.map((pool) -> pool.name() + " " + pool.ready() + "/" + pool.desired()
							+ ((pool.state() == PoolState.RUNNING) ? "" : " " + pool.state()))
					.collect(Collectors.joining(", "));
	}

}
