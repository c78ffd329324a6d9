package io.pistil.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.ClassUtils;

import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.InvalidSpecException;
import io.pistil.arbiter.RestartPolicy;
import io.pistil.arbiter.RunAs;
import io.pistil.arbiter.WorkerSpec;
import io.pistil.worker.ContextMode;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.Worker;

/**
 * Builds each pool's {@link WorkerSpec} from its {@code @PistilWorker} annotation and its
 * {@code pistil.workers.<name>} properties: a property wins over the annotation, the
 * annotation over the default.
 */
final class WorkerSpecs {

	/**
	 * What a worker JVM is given unless {@code pistil.lean-jvm-options} is off: a worker
	 * runs one loop on a small heap, and these start it sooner and smaller (see the
	 * README's "Worker JVM options" for the figures).
	 */
	static final List<String> LEAN_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			"-XX:-UsePerfData");

	private final PistilProperties properties;

	private final Map<String, DeclaredWorker> declared;

	private final ListableBeanFactory beanFactory;

	private final ClassLoader classLoader;

	WorkerSpecs(PistilProperties properties, Map<String, DeclaredWorker> declared, ListableBeanFactory beanFactory,
			ClassLoader classLoader) {
		this.properties = properties;
		this.declared = declared;
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
	}

	List<WorkerSpec> resolve() {
		Set<String> names = new LinkedHashSet<>(this.declared.keySet());
		names.addAll(this.properties.getWorkers().keySet());
		List<WorkerSpec> specs = new ArrayList<>();
		for (String name : names) {
			specs.add(resolve(name, this.declared.get(name), this.properties.getWorkers().get(name)));
		}
		return specs;
	}

	private WorkerSpec resolve(String name, DeclaredWorker declared, PistilProperties.Pool pool) {
		PistilProperties.Pool configured = (pool != null) ? pool : new PistilProperties.Pool();
		PistilProperties.PoolSettings defaults = this.properties.getDefaults();
		ChildType type = first(configured.getType(), ChildType.WORKER);
		ContextMode context = first(configured.getContext(), (declared != null) ? declared.context() : null,
				defaults.getContext(), ContextMode.SLIM);
		Map<String, String> args = new LinkedHashMap<>(defaults.getArgs());
		args.putAll((declared != null) ? declared.args() : Map.of());
		args.putAll(configured.getArgs());
		Map<String, String> environment = new LinkedHashMap<>(defaults.getEnv());
		environment.putAll(configured.getEnv());
		RestartPolicy restart = RestartPolicy.DEFAULT;
		WorkerSpec.Builder spec = WorkerSpec.builder(name)
			.type(type)
			.workerClass(
					(type == ChildType.SUPERVISOR) ? supervisedChildren(name) : workerClass(name, declared, configured))
			.beanName((context == ContextMode.FULL) ? configured.getBean() : null)
			.context(context)
			.gracefulTimeout(first(configured.getGracefulTimeout(), defaults.getGracefulTimeout(),
					this.properties.getGracefulTimeout()))
			.environment(environment)
			.args(args)
			.jvmOptions(jvmOptions(declared, configured))
			.restart(new RestartPolicy(first(configured.getRestart(), defaults.getRestart(), restart.type()),
					first(configured.getMaxRestarts(), defaults.getMaxRestarts(), restart.maxRestarts()),
					first(configured.getPeriod(), defaults.getPeriod(), restart.period()),
					first(configured.getBackoffMin(), defaults.getBackoffMin(), restart.backoffMin()),
					first(configured.getBackoffMax(), defaults.getBackoffMax(), restart.backoffMax()),
					first(configured.getBackoffReset(), defaults.getBackoffReset(), restart.backoffReset())))
			.tcp(TcpSpecs.tcp(name, configured))
			.recycling(TcpSpecs.recycling(configured))
			.runAs(new RunAs(first(configured.getUser(), defaults.getUser()),
					first(configured.getGroup(), defaults.getGroup()),
					RunAs.parseUmask(name, first(configured.getUmask(), defaults.getUmask()))));
		ifSet(first(configured.getWorkers(), (declared != null) ? declared.workers() : null, defaults.getWorkers()),
				spec::workers);
		ifSet(first(configured.getMinWorkers(), defaults.getMinWorkers()), spec::minWorkers);
		ifSet(first(configured.getMaxWorkers(), defaults.getMaxWorkers()), spec::maxWorkers);
		ifSet(first(configured.getReloadSurge(), defaults.getReloadSurge()), spec::reloadSurge);
		ifSet(first(configured.getTimeout(), annotationDuration(declared, name, "timeout"), defaults.getTimeout()),
				spec::timeout);
		ifSet(first(configured.getBootTimeout(), defaults.getBootTimeout()), spec::bootTimeout);
		ifSet(first(configured.getPause(), annotationDuration(declared, name, "pause"), defaults.getPause()),
				spec::pause);
		ifSet(first(configured.getShutdown(), defaults.getShutdown()), spec::shutdown);
		return spec.build();
	}

	/**
	 * A worker's JVM options: the lean ones, then every pool's defaults, then its own
	 * (its properties', else its annotation's). HotSpot takes the last of two settings of
	 * one option, so a pool overrides a default by naming it again.
	 */
	private List<String> jvmOptions(DeclaredWorker declared, PistilProperties.Pool configured) {
		List<String> options = new ArrayList<>(this.properties.isLeanJvmOptions() ? LEAN_JVM_OPTIONS : List.of());
		List<String> defaults = this.properties.getDefaults().getJvmOptions();
		options.addAll((defaults != null) ? defaults : List.of());
		List<String> own = first(configured.getJvmOptions(), (declared != null) ? declared.jvmOptions() : null);
		options.addAll((own != null) ? own : List.of());
		return options;
	}

	private static <T> void ifSet(T value, Consumer<T> setter) {
		if (value != null) {
			setter.accept(value);
		}
	}

	/**
	 * Validates a supervisor's subtree now, so a mistake deep in the tree fails the
	 * application's start with the property's full name rather than a supervisor child's
	 * start later.
	 * @return the worker class of a supervisor: none
	 */
	private String supervisedChildren(String name) {
		PistilProperties node = this.properties.node(name);
		if (node.getWorkers().isEmpty()) {
			throw new InvalidSpecException(name, "children", "{}", "a supervisor needs at least one child pool");
		}
		try {
			new WorkerSpecs(node, Map.of(), this.beanFactory, this.classLoader).resolve();
		}
		catch (InvalidSpecException ex) {
			throw new InvalidSpecException(name + ".children." + ex.getPool(), ex.getProperty(), ex.getValue(),
					ex.getReason());
		}
		return "";
	}

	private String workerClass(String name, DeclaredWorker declared, PistilProperties.Pool configured) {
		String className;
		String property = "worker-class";
		if (configured.getWorkerClass() != null && configured.getBean() != null) {
			throw new InvalidSpecException(name, "bean", configured.getBean(), "set worker-class or bean, not both");
		}
		if (configured.getWorkerClass() != null) {
			className = configured.getWorkerClass();
		}
		else if (configured.getBean() != null) {
			property = "bean";
			if (!this.beanFactory.containsBean(configured.getBean())) {
				throw new InvalidSpecException(name, property, configured.getBean(), "there is no bean with this name");
			}
			Class<?> type = this.beanFactory.getType(configured.getBean(), false);
			className = (type != null) ? ClassUtils.getUserClass(type).getName() : null;
		}
		else if (declared != null) {
			className = declared.className();
		}
		else {
			throw new InvalidSpecException(name, property, null,
					"a pool needs a worker: set worker-class or bean, or annotate a Worker with @PistilWorker(name = \""
							+ name + "\")");
		}
		Class<?> type;
		try {
			type = ClassUtils.forName(className, this.classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new InvalidSpecException(name, property, className, "class not found");
		}
		boolean tcp = configured.getType() == ChildType.TCP;
		if (!tcp && TcpWorker.class.isAssignableFrom(type)) {
			throw new InvalidSpecException(name, "type", "worker",
					className + " is a TcpWorker: set type: tcp and listen");
		}
		Class<?> required = tcp ? TcpWorker.class : Worker.class;
		if (!required.isAssignableFrom(type)) {
			throw new InvalidSpecException(name, property, className, "does not implement " + required.getName());
		}
		return className;
	}

	private static Duration annotationDuration(DeclaredWorker declared, String pool, String attribute) {
		if (declared == null) {
			return null;
		}
		String value = attribute.equals("timeout") ? declared.timeout() : declared.pause();
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSpecException(pool, attribute, value,
					"@PistilWorker(" + attribute + ") must be a duration such as 30s or 500ms");
		}
	}

	@SafeVarargs
	private static <T> T first(T... candidates) {
		for (T candidate : candidates) {
			if (candidate != null) {
				return candidate;
			}
		}
		return null;
	}

}
