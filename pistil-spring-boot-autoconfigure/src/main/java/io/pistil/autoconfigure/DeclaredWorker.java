package io.pistil.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.type.AnnotationMetadata;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.worker.ContextMode;
import io.pistil.worker.PistilWorker;

/**
 * A pool as a {@link PistilWorker @PistilWorker} annotation declares it.
 *
 * @param pool the pool name
 * @param className the annotated class
 * @param workers the worker count
 * @param timeout the heartbeat timeout, unparsed
 * @param pause the loop's pause, unparsed
 * @param context the context mode
 * @param jvmOptions the JVM options
 * @param args the worker's arguments
 */
record DeclaredWorker(String pool, String className, int workers, String timeout, String pause, ContextMode context,
		List<String> jvmOptions, Map<String, String> args) {

	static DeclaredWorker of(String beanName, AnnotationMetadata metadata) {
		AnnotationAttributes attributes = AnnotationAttributes
			.fromMap(metadata.getAnnotationAttributes(PistilWorker.class.getName()));
		String name = attributes.getString("name");
		String pool = name.isEmpty() ? beanName : name;
		Map<String, String> args = new LinkedHashMap<>();
		for (String arg : attributes.getStringArray("args")) {
			int equals = arg.indexOf('=');
			if (equals < 1) {
				throw new InvalidSpecException(pool, "args", arg, "each @PistilWorker argument must read key=value");
			}
			args.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		return new DeclaredWorker(pool, metadata.getClassName(), attributes.getNumber("workers"),
				attributes.getString("timeout"), attributes.getString("pause"), attributes.getEnum("context"),
				List.of(attributes.getStringArray("jvmOptions")), args);
	}

}
