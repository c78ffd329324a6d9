package io.pistil.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.core.ResolvableType;

import io.pistil.messaging.autoconfigure.MessagingProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the configuration metadata as the build packages it (the processor's output,
 * merged with {@code additional-spring-configuration-metadata.json}) and holds it against
 * what {@link PistilProperties} and {@link MessagingProperties} bind, walked by
 * introspection: a property added to it, or to any type nested in it, fails here until it
 * is documented.
 * <p>
 * The processor stops at a {@code Map} of pools; the keys under it are documented as
 * {@code pistil.workers.*.<key>}, {@code *} standing for any pool name (the notation of
 * Spring Boot's own property appendix for map keys).
 */
class ConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String POOL_SOURCE_METADATA = "META-INF/spring/configuration-metadata/"
			+ PistilProperties.Pool.class.getName() + ".json";

	private static final String DEFAULTS = "pistil.defaults.";

	/** Set by pistil in supervisor children, never by users. */
	private static final Set<String> INTERNAL = Set.of("pistil.tree-path");

	private final Metadata metadata = Metadata.load(METADATA);

	private final List<Bindable> bindables = Stream
		.concat(Bindable.of(PistilProperties.class, "pistil").stream(),
				Bindable.of(MessagingProperties.class, "pistil.messaging").stream())
		.toList();

	@Test
	void everyBindablePropertyHasAnEntry() {
		List<String> undocumented = this.bindables.stream()
			.map(Bindable::name)
			.filter((name) -> !this.metadata.properties().containsKey(name) && !INTERNAL.contains(name))
			.toList();
		assertThat(undocumented)
			.as("properties bound by PistilProperties without metadata (the processor merges "
					+ "additional-spring-configuration-metadata.json only when it runs: after editing that file alone, "
					+ "compile from clean)")
			.isEmpty();
	}

	@Test
	void everyEntryIsBindable() {
		Set<String> bindable = this.bindables.stream().map(Bindable::name).collect(Collectors.toSet());
		List<String> stale = this.metadata.properties()
			.keySet()
			.stream()
			.filter((name) -> name.startsWith("pistil.") && !bindable.contains(name))
			.toList();
		assertThat(stale).as("metadata entries that PistilProperties does not bind").isEmpty();
	}

	@Test
	void internalPropertiesAreNotOffered() {
		assertThat(this.bindables).extracting(Bindable::name).containsAll(INTERNAL);
		assertThat(this.metadata.properties()).doesNotContainKeys(INTERNAL.toArray(String[]::new));
		assertThat(this.metadata.ignored()).containsAll(INTERNAL);
	}

	@Test
	void everyEntryHasADescription() {
		List<String> bare = this.metadata.properties()
			.values()
			.stream()
			.filter((property) -> property.path("description").asString("").isBlank())
			.map((property) -> property.path("name").asString())
			.toList();
		assertThat(bare).isEmpty();
	}

	@Test
	void everyEnumeratedPropertyHintsEachOfItsValues() {
		Map<String, List<String>> expected = new LinkedHashMap<>();
		Map<String, List<String>> hinted = new LinkedHashMap<>();
		for (Bindable bindable : this.bindables) {
			Class<?> type = bindable.type().resolve(Object.class);
			if (type.isEnum() && !INTERNAL.contains(bindable.name())) {
				expected.put(bindable.name(),
						Arrays.stream(type.getEnumConstants())
							.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
							.toList());
				hinted.put(bindable.name(), this.metadata.hintValues(bindable.name()));
			}
		}
		assertThat(expected).as("enum-valued properties").isNotEmpty();
		assertThat(hinted).isEqualTo(expected);
	}

	@Test
	void threadsHintsOneAndVirtualAndTakesAnyCount() {
		String threads = "pistil.workers.*.threads";
		assertThat(this.metadata.hintValues(threads)).containsExactly("1", "virtual");
		assertThat(this.metadata.hintProviders(threads)).containsExactly("any");
	}

	@Test
	void poolEntriesRepeatTheProcessorsOwnFromThePoolClass() {
		Metadata source = Metadata.load(POOL_SOURCE_METADATA);
		assertThat(source.properties()).as(POOL_SOURCE_METADATA).isNotEmpty();
		Map<String, JsonNode> expected = new LinkedHashMap<>();
		source.properties()
			.forEach((name, property) -> expected.put("pistil.workers.*." + name, withoutName(property)));
		Map<String, JsonNode> documented = new LinkedHashMap<>();
		this.metadata.properties().forEach((name, property) -> documented.put(name, withoutName(property)));
		assertThat(documented).as("pistil.workers.*.<key> entries against the Javadoc of PistilProperties.Pool")
			.containsAllEntriesOf(expected);
	}

	@Test
	void readmeListsEveryPistilProperty() throws IOException {
		Set<String> listed = readmePropertyTable();
		Map<String, Bindable> byName = this.bindables.stream()
			.collect(Collectors.toMap(Bindable::name, Function.identity()));
		List<String> unlisted = new ArrayList<>();
		for (String name : this.metadata.properties().keySet()) {
			if (!name.startsWith("pistil.")) {
				continue;
			}
			String readmeName = name.replace(".*.", ".<name>.");
			boolean keysListed = byName.containsKey(name) && byName.get(name).mapsToGroups()
					&& listed.stream().anyMatch((row) -> row.startsWith(readmeName + "."));
			// One row documents every default: each is a pool key, with its own row.
			boolean defaultListed = name.startsWith(DEFAULTS) && listed.contains(DEFAULTS + "<key>")
					&& listed.contains("pistil.workers.<name>." + name.substring(DEFAULTS.length()));
			if (!listed.contains(readmeName) && !keysListed && !defaultListed) {
				unlisted.add(readmeName);
			}
		}
		assertThat(unlisted).as("properties missing from README.md's property table").isEmpty();
	}

	private static Set<String> readmePropertyTable() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		int start = readme.indexOf("\n## Properties\n");
		int end = readme.indexOf("\n## ", start + 1);
		assertThat(start).as("README.md's Properties section").isPositive();
		Set<String> names = new HashSet<>();
		Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(readme.substring(start, end));
		while (row.find()) {
			names.add(row.group(1));
		}
		return names;
	}

	private static JsonNode withoutName(JsonNode property) {
		Map<String, JsonNode> fields = new LinkedHashMap<>();
		property.properties().forEach((field) -> fields.put(field.getKey(), field.getValue()));
		fields.remove("name");
		return JsonMapper.shared().valueToTree(fields);
	}

	/**
	 * A property that binding to a type reaches, named as it is written in a
	 * configuration file.
	 */
	record Bindable(String name, ResolvableType type) {

		/** Keys under a map of nested groups: any name fits. */
		private static final String ANY_KEY = "*";

		static List<Bindable> of(Class<?> root, String prefix) {
			List<Bindable> bindables = new ArrayList<>();
			walk(root, prefix, new HashSet<>(), bindables);
			return bindables;
		}

		/**
		 * Whether this is a map of nested groups, documented by the keys under its
		 * entries.
		 */
		boolean mapsToGroups() {
			return isGroup(this.type.asMap().getGeneric(1));
		}

		private static void walk(Class<?> type, String prefix, Set<Class<?>> walked, List<Bindable> bindables) {
			walked.add(type);
			for (Map.Entry<String, ResolvableType> property : properties(type).entrySet()) {
				String name = prefix + "." + DataObjectPropertyName.toDashedForm(property.getKey());
				ResolvableType propertyType = property.getValue();
				if (isGroup(propertyType)) {
					walk(propertyType.resolve(), name, walked, bindables);
					continue;
				}
				bindables.add(new Bindable(name, propertyType));
				ResolvableType values = propertyType.asMap().getGeneric(1);
				// A map of a type already walked (a supervisor's children are pools) is
				// documented by its own entry: its keys are those of that type.
				if (isGroup(values) && !walked.contains(values.resolve())) {
					walk(values.resolve(), name + "." + ANY_KEY, walked, bindables);
				}
			}
		}

		/**
		 * The bound properties of a type: JavaBean properties with a setter, or whose
		 * value binding fills in (maps, collections, nested groups); record components.
		 */
		private static Map<String, ResolvableType> properties(Class<?> type) {
			Map<String, ResolvableType> properties = new LinkedHashMap<>();
			if (type.isRecord()) {
				for (RecordComponent component : type.getRecordComponents()) {
					properties.put(component.getName(), ResolvableType.forMethodReturnType(component.getAccessor()));
				}
				return properties;
			}
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
					continue;
				}
				ResolvableType propertyType = ResolvableType.forMethodReturnType(descriptor.getReadMethod());
				Class<?> resolved = propertyType.resolve(Object.class);
				boolean filledIn = Map.class.isAssignableFrom(resolved) || Collection.class.isAssignableFrom(resolved)
						|| isGroup(propertyType);
				if (descriptor.getWriteMethod() != null || filledIn) {
					properties.put(descriptor.getName(), propertyType);
				}
			}
			return properties;
		}

		/** Whether binding descends into this type's properties: pistil's own classes. */
		private static boolean isGroup(ResolvableType type) {
			Class<?> resolved = type.resolve();
			return resolved != null && !resolved.isEnum() && resolved.getPackageName().startsWith("io.pistil");
		}

	}

	/**
	 * One configuration metadata file: its properties by name, hints and ignored names.
	 */
	record Metadata(Map<String, JsonNode> properties, Map<String, JsonNode> hints, Set<String> ignored) {

		/**
		 * Reads the file of that name that this module's classes come with (other jars on
		 * the class path have their own).
		 */
		static Metadata load(String resource) {
			String classes = PistilProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
			try {
				for (URL url : Collections.list(PistilProperties.class.getClassLoader().getResources(resource))) {
					if (url.toString().startsWith(classes) || url.toString().startsWith("jar:" + classes)) {
						try (InputStream input = url.openStream()) {
							return parse(JsonMapper.shared().readTree(input));
						}
					}
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read " + resource, ex);
			}
			throw new AssertionError("No " + resource + " beside " + classes + ": compile the module first");
		}

		private static Metadata parse(JsonNode root) {
			return new Metadata(byName(root.path("properties")), byName(root.path("hints")),
					byName(root.path("ignored").path("properties")).keySet());
		}

		private static Map<String, JsonNode> byName(JsonNode items) {
			Map<String, JsonNode> byName = new LinkedHashMap<>();
			for (JsonNode item : items) {
				byName.put(item.path("name").asString(), item);
			}
			return byName;
		}

		List<String> hintValues(String property) {
			return hintField(property, "values", "value");
		}

		List<String> hintProviders(String property) {
			return hintField(property, "providers", "name");
		}

		private List<String> hintField(String property, String list, String field) {
			JsonNode hint = this.hints.get(property);
			if (hint == null) {
				return List.of();
			}
			return StreamSupport.stream(hint.path(list).spliterator(), false)
				.map((item) -> item.path(field).asString())
				.toList();
		}

	}

}
