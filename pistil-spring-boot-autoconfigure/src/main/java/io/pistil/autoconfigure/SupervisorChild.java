package io.pistil.autoconfigure;

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
import io.pistil.arbiter.ArbiterHeartbeat;
import io.pistil.child.ChildMain;
import io.pistil.child.ClaimedSlot;
import io.pistil.child.ParentWatch;
import io.pistil.contract.ChildArguments;
import io.pistil.contract.ExitCodes;
import io.pistil.contract.Scoreboard;
import io.pistil.contract.SlotState;

/**
 * The main class of a supervisor child: an arbiter of its own over its pool's
 * {@code children}, supervised by its parent like a worker. Its heartbeat comes from its
 * arbiter's loop, so a frozen loop is found by its parent's timeout. It stops its subtree
 * before it exits on SIGTERM (depth first), reloads it on SIGHUP, and exits with
 * {@value ExitCodes#ESCALATED} when one of its pools gives up, so that its parent decides
 * what follows (Erlang/OTP's escalation).
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(PistilAutoConfiguration.class)
public class SupervisorChild {

	/** An orphaned supervisor stops its workers quickly (one second), then halts. */
	private static final long ORPHAN_GRACE_MILLIS = 1500;

	private static final long WAIT_MILLIS = 200;

	/** The system property that tells a supervisor's arbiter where it is in the tree. */
	static final String TREE_PATH_PROPERTY = "pistil.tree-path";

	public static void main(String[] args) {
		ClaimedSlot claimed = ClaimedSlot.claim(args);
		ChildArguments arguments = claimed.arguments();
		Scoreboard.Slot slot = claimed.slot();
		AtomicReference<Arbiter> arbiter = new AtomicReference<>();
		ParentWatch.start(arguments.arbiterPid(), () -> {
			System.err.println(
					"pistil: arbiter " + arguments.arbiterPid() + " is gone; stopping supervisor " + arguments.path());
			Thread stopper = new Thread(() -> {
				if (arbiter.get() != null) {
					arbiter.get().stopQuickly();
				}
				Runtime.getRuntime().halt(ExitCodes.FAILED);
			}, "pistil-orphan-stop");
			stopper.setDaemon(true);
			stopper.start();
			ChildMain.haltAfter(ORPHAN_GRACE_MILLIS);
		});
		System.setProperty(TREE_PATH_PROPERTY, arguments.path());
		System.setProperty("spring.main.web-application-type", "none");
		try {
			SpringApplication application = new SpringApplication(SupervisorChild.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setBannerMode(Banner.Mode.OFF);
			application.setLogStartupInfo(false);
			application.setAdditionalProfiles(arguments.profiles().toArray(String[]::new));
			application.addInitializers((context) -> context.getBeanFactory()
				.registerSingleton("pistilSupervisorHeartbeat", (ArbiterHeartbeat) (snapshot) -> slot.heartbeat()));
			ConfigurableApplicationContext context = application
				.run(arguments.applicationArguments().toArray(String[]::new));
			arbiter.set(context.getBean(Arbiter.class));
		}
		catch (Throwable ex) {
			ChildMain.reportBootError(arguments, ex);
			System.exit(ExitCodes.BOOT_ERROR);
			return;
		}
		slot.state(SlotState.READY);
		// The arbiter thread keeps the JVM alive and beats the heartbeat; this one marks
		// the end.
		try {
			while (arbiter.get().isRunning()) {
				Thread.sleep(WAIT_MILLIS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		slot.state(SlotState.STOPPING);
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
			Thread exit = new Thread(() -> System.exit(SpringApplication.exit(this.context, () -> ExitCodes.ESCALATED)),
					"pistil-escalation");
			exit.start();
		}

	}

}
