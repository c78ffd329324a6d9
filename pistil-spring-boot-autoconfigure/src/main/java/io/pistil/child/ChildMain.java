package io.pistil.child;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import io.pistil.contract.ChildArguments;
import io.pistil.contract.ExitCodes;
import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;
import io.pistil.contract.SlotState;
import io.pistil.worker.ContextMode;
import io.pistil.worker.WorkerEvent;

/**
 * The main class of a worker's child JVM: starts the worker's Spring context, runs the
 * worker (or a tcp worker's accept loop) until it is told to stop or its arbiter is gone,
 * and reports to the arbiter through its scoreboard slot.
 *
 * <p>
 * Exit codes: 0 after a requested stop, 1 when the worker failed,
 * {@value ExitCodes#BOOT_ERROR} when its context failed to start.
 */
public final class ChildMain {

	/** How long an orphaned child gives its worker to finish before it halts. */
	private static final long ORPHAN_GRACE_MILLIS = 600;

	private static final int REPORTED_FRAMES = 6;

	private static final Log logger = LogFactory.getLog(ChildMain.class);

	private ChildMain() {
	}

	public static void main(String[] args) throws Exception {
		ClaimedSlot claimed = ClaimedSlot.claim(args);
		ChildArguments arguments = claimed.arguments();
		Scoreboard.Slot slot = claimed.slot();
		ChildWorkerContext context = new ChildWorkerContext(arguments, slot);
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		// TERM and INT end the loop after the current handle(); the JVM's own handling
		// would exit at once.
		for (String name : List.of("TERM", "INT")) {
			Signal.handle(new Signal(name), (signal) -> interrupt(context, started.get(), name));
		}
		ParentWatch.start(arguments.arbiterPid(), () -> {
			System.err.println("pistil: arbiter " + arguments.arbiterPid() + " is gone; exiting");
			interrupt(context, started.get(), "PARENT_GONE");
			haltAfter(ORPHAN_GRACE_MILLIS);
		});
		ConfigurableApplicationContext applicationContext;
		WorkerLoop loop;
		try {
			applicationContext = startContext(arguments);
			Object worker = (arguments.beanName() != null) ? applicationContext.getBean(arguments.beanName())
					: applicationContext.getBean(workerClass(arguments));
			loop = WorkerLoop.of(worker, context, slot);
			applicationContext.publishEvent(new WorkerEvent.Started(context));
		}
		catch (Throwable ex) {
			reportBootError(arguments, ex);
			System.exit(ExitCodes.BOOT_ERROR);
			return;
		}
		started.set(applicationContext);
		slot.state(SlotState.READY);
		applicationContext.publishEvent(new WorkerEvent.Ready(context));
		int exitCode = ExitCodes.STOPPED;
		try {
			loop.run();
		}
		catch (Throwable ex) {
			logger.error("pistil: worker " + arguments.workerName() + " failed", ex);
			exitCode = ExitCodes.FAILED;
		}
		slot.state(SlotState.STOPPING);
		applicationContext.publishEvent(new WorkerEvent.Exiting(context, exitCode));
		applicationContext.close();
		System.exit(exitCode);
	}

	/** Publishes Interrupted before the loop can end, so that it comes before Exiting. */
	private static synchronized void interrupt(ChildWorkerContext context,
			ConfigurableApplicationContext applicationContext, String signal) {
		if (context.alive() && applicationContext != null) {
			applicationContext.publishEvent(new WorkerEvent.Interrupted(context, signal));
		}
		context.requestStop();
	}

	private static ConfigurableApplicationContext startContext(ChildArguments arguments) throws ClassNotFoundException {
		// System properties outrank the application's own files: a child never runs an
		// arbiter or a web server.
		System.setProperty("pistil.enabled", "false");
		System.setProperty("spring.main.web-application-type", "none");
		// A full context has no arbiter, so no pistil health contributor: a health group
		// naming it (readiness) must not stop the worker's start.
		System.setProperty("management.endpoint.health.validate-group-membership", "false");
		// Warming up validation, Jackson and friends on a spare thread only steals CPU
		// from sibling children.
		System.setProperty("spring.backgroundpreinitializer.ignore", "true");
		List<Class<?>> sources = new ArrayList<>();
		if (arguments.context() == ContextMode.FULL) {
			if (arguments.applicationClass() == null) {
				throw new IllegalStateException("context: full needs the application's @SpringBootApplication class");
			}
			sources.add(ClassUtils.forName(arguments.applicationClass(), ChildMain.class.getClassLoader()));
		}
		if (arguments.beanName() == null) {
			// A worker named by class only may not be a bean of the application.
			sources.add(workerClass(arguments));
		}
		SpringApplication application = new SpringApplication(sources.toArray(Class<?>[]::new));
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setAdditionalProfiles(arguments.profiles().toArray(String[]::new));
		return application.run(arguments.applicationArguments().toArray(String[]::new));
	}

	private static Class<?> workerClass(ChildArguments arguments) throws ClassNotFoundException {
		return ClassUtils.forName(arguments.workerClass(), ChildMain.class.getClassLoader());
	}

	/** Leaves the arbiter the exception's causes and where the root one was thrown. */
	public static void reportBootError(ChildArguments arguments, Throwable failure) {
		StringBuilder report = new StringBuilder();
		Map<Throwable, Boolean> seen = new IdentityHashMap<>();
		Throwable root = failure;
		for (Throwable cause = failure; cause != null && seen.put(cause, true) == null; cause = cause.getCause()) {
			report.append((cause == failure) ? "" : "Caused by: ").append(cause).append('\n');
			root = cause;
		}
		Arrays.stream(root.getStackTrace())
			.limit(REPORTED_FRAMES)
			.forEach((frame) -> report.append("\tat ").append(frame).append('\n'));
		System.err.println("pistil: worker " + arguments.workerName() + " failed to start: " + failure);
		try {
			RunFiles.writeBootError(arguments.runDirectory(), ProcessHandle.current().pid(), report.toString());
		}
		catch (IOException ex) {
			System.err.println("pistil: cannot report the boot error to the arbiter: " + ex);
		}
	}

	public static void haltAfter(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Runtime.getRuntime().halt(1);
	}

}
