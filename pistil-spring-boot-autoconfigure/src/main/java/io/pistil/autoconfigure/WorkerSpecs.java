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
		ChildType type = first(configured.getType(), ChildType.WORKER);
		ContextMode context = first(configured.getContext(), (declared != null) ? declared.context() : null,
				ContextMode.SLIM);
		Map<String, String> args = new LinkedHashMap<>((declared != null) ? declared.args() : Map.of());
		args.putAll(configured.getArgs());
		RestartPolicy defaults = RestartPolicy.DEFAULT;
		WorkerSpec.Builder spec = WorkerSpec.builder(name)
			.type(type)
			.workerClass(
					(type == ChildType.SUPERVISOR) ? supervisedChildren(name) : workerClass(name, declared, configured))
			.beanName((context == ContextMode.FULL) ? configured.getBean() : null)
			.context(context)
			.gracefulTimeout(first(configured.getGracefulTimeout(), this.properties.getGracefulTimeout()))
			.environment(configured.getEnv())
			.args(args)
			.restart(new RestartPolicy(first(configured.getRestart(), defaults.type()),
					first(configured.getMaxRestarts(), defaults.maxRestarts()),
					first(configured.getPeriod(), defaults.period()),
					first(configured.getBackoffMin(), defaults.backoffMin()),
					first(configured.getBackoffMax(), defaults.backoffMax()),
					first(configured.getBackoffReset(), defaults.backoffReset())))
			.tcp(TcpSpecs.tcp(name, configured))
			.recycling(TcpSpecs.recycling(configured))
			.runAs(new RunAs(configured.getUser(), configured.getGroup(),
					RunAs.parseUmask(name, configured.getUmask())));
		ifSet(first(configured.getWorkers(), (declared != null) ? declared.workers() : null), spec::workers);
		ifSet(configured.getMinWorkers(), spec::minWorkers);
		ifSet(configured.getMaxWorkers(), spec::maxWorkers);
		ifSet(configured.getReloadSurge(), spec::reloadSurge);
		ifSet(first(configured.getTimeout(), annotationDuration(declared, name, "timeout")), spec::timeout);
		ifSet(configured.getBootTimeout(), spec::bootTimeout);
		ifSet(first(configured.getPause(), annotationDuration(declared, name, "pause")), spec::pause);
		ifSet(first(configured.getJvmOptions(), (declared != null) ? declared.jvmOptions() : null), spec::jvmOptions);
		ifSet(configured.getShutdown(), spec::shutdown);
		return spec.build();
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
