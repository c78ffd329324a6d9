package io.pistil.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Declares a pool of child JVM processes, each running one instance of the annotated
 * {@link Worker}, or {@link TcpWorker} (whose pool needs {@code type: tcp} and
 * {@code listen} under {@code pistil.workers.<name>}). Picked up by component scanning;
 * the arbiter never creates the bean itself: only the children do, each in its own Spring
 * context.
 *
 * <p>
 * Every attribute can be overridden under {@code pistil.workers.<name>.*}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface PistilWorker {

	/**
	 * Name of the pool; defaults to the bean name. Names the pool in logs and under
	 * {@code pistil.workers.<name>}.
	 * @return the pool name
	 */
	String name() default "";

	/**
	 * Number of workers to keep running.
	 * @return the worker count
	 */
	int workers() default 1;

	/**
	 * Heartbeat timeout, in Spring Boot's duration format ({@code 30s}, {@code 500ms}): a
	 * worker silent for longer is considered hung.
	 * @return the timeout
	 */
	String timeout() default "30s";

	/**
	 * Pause between two calls of {@link Worker#handle(WorkerContext)} in the default
	 * loop.
	 * @return the pause
	 */
	String pause() default "100ms";

	/**
	 * Which context the child starts.
	 * @return the context mode
	 */
	ContextMode context() default ContextMode.SLIM;

	/**
	 * Options for the child JVMs, e.g. {@code -Xmx64m}.
	 * @return the JVM options
	 */
	String[] jvmOptions() default {};

	/**
	 * Free-form settings handed to the worker through {@link WorkerContext#args()}, each
	 * as {@code key=value}.
	 * @return the arguments
	 */
	String[] args() default {};

}
