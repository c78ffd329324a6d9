package io.pistil.child;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterEvent;
import io.pistil.arbiter.ChildArguments;
import io.pistil.arbiter.Scoreboard;
import io.pistil.autoconfigure.PistilAutoConfiguration;

/**
 * A supervisor child: an arbiter of its own over its pool's {@code children}, supervised
 * by its parent like a worker. It heartbeats while its arbiter runs, stops its subtree
 * before it exits on SIGTERM (depth first), reloads it on SIGHUP, and exits with
 * {@value #ESCALATED} when one of its pools gives up, so that its parent decides what
 * follows (Erlang/OTP's escalation).
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(PistilAutoConfiguration.class)
public class SupervisorChild {

	/** Exit code of a supervisor child whose subtree gave up. */
	public static final int ESCALATED = 4;

	/** An orphaned supervisor stops its workers quickly (one second), then halts. */
	private static final long ORPHAN_GRACE_MILLIS = 1500;

	private static final Duration HEARTBEAT = Duration.ofMillis(500);

	static void run(ChildArguments arguments, Scoreboard.Slot slot) {
		AtomicReference<Arbiter> arbiter = new AtomicReference<>();
		ParentWatch.start(arguments.arbiterPid(), () -> {
			System.err.println(
					"pistil: arbiter " + arguments.arbiterPid() + " is gone; stopping supervisor " + arguments.path());
			Thread stopper = new Thread(() -> {
				if (arbiter.get() != null) {
					arbiter.get().stopQuickly();
				}
				Runtime.getRuntime().halt(1);
			}, "pistil-orphan-stop");
			stopper.setDaemon(true);
			stopper.start();
			ChildMain.haltAfter(ORPHAN_GRACE_MILLIS);
		});
		System.setProperty("pistil.tree-path", arguments.path());
		System.setProperty("spring.main.web-application-type", "none");
		ConfigurableApplicationContext context;
		try {
			SpringApplication application = new SpringApplication(SupervisorChild.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setBannerMode(Banner.Mode.OFF);
			application.setLogStartupInfo(false);
			application.setAdditionalProfiles(arguments.profiles().toArray(String[]::new));
			context = application.run(arguments.applicationArguments().toArray(String[]::new));
			arbiter.set(context.getBean(Arbiter.class));
		}
		catch (Throwable ex) {
			ChildMain.reportBootError(arguments, ex);
			System.exit(ChildMain.BOOT_ERROR);
			return;
		}
		slot.state(Scoreboard.READY);
		// The arbiter thread keeps the JVM alive; this one tells the parent the arbiter
		// still runs.
		while (arbiter.get().isRunning()) {
			slot.heartbeat();
			try {
				Thread.sleep(HEARTBEAT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		slot.state(Scoreboard.STOPPING);
	}

	@Bean
	Escalation pistilEscalation(ConfigurableApplicationContext context) {
		return new Escalation(context);
	}

	/** Ends the supervisor child when one of its pools gives up. */
	static final class Escalation {

		private final ConfigurableApplicationContext context;

		Escalation(ConfigurableApplicationContext context) {
			this.context = context;
		}

		@EventListener
		void on(ArbiterEvent.PoolFailed failed) {
			System.err.println("pistil: pool " + failed.pool() + " gave up; escalating to the parent arbiter");
			Thread exit = new Thread(() -> System.exit(SpringApplication.exit(this.context, () -> ESCALATED)),
					"pistil-escalation");
			exit.start();
		}

	}

}
