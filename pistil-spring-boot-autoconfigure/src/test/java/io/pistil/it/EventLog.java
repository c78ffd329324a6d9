package io.pistil.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import net.minidev.json.JSONValue;

import io.pistil.arbiter.ArbiterEvent;

/**
 * A file of facts, one JSON object a line, that an arbiter application under test and its
 * workers append to as things happen: the arbiter's events (type and record components),
 * and what test workers report (a step begun, a child event). Every writer appends whole
 * lines with one write each, so the file is one timeline that every process shares.
 */
public final class EventLog {

	/** The simple names of the arbiter's events, to tell them from the workers' facts. */
	private static final Set<String> ARBITER_EVENTS = Arrays.stream(ArbiterEvent.class.getPermittedSubclasses())
		.map(Class::getSimpleName)
		.collect(Collectors.toUnmodifiableSet());

	private final Path file;

	EventLog(Path file) {
		this.file = file;
	}

	Path file() {
		return this.file;
	}

	/**
	 * Appends a fact.
	 * @param file the file
	 * @param type what happened
	 * @param fields what it carries: strings, numbers, booleans, lists and maps of them
	 */
	public static void append(Path file, String type, Map<String, ?> fields) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("type", type);
		line.putAll(fields);
		try {
			Files.write(file, (JSONValue.toJSONString(line) + "\n").getBytes(StandardCharsets.UTF_8),
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Appends an arbiter event: its type, and its record components (a duration in
	 * milliseconds, an exit status as its code and signal, an enum as its name).
	 * @param file the file
	 * @param event the event
	 */
	public static void append(Path file, ArbiterEvent event) {
		append(file, event.getClass().getSimpleName(), components((Record) event));
	}

	private static Map<String, Object> components(Record record) {
		Map<String, Object> fields = new LinkedHashMap<>();
		for (RecordComponent component : record.getClass().getRecordComponents()) {
			try {
				fields.put(component.getName(), json(component.getAccessor().invoke(record)));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return fields;
	}

	private static Object json(Object value) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof Duration duration) {
			return duration.toMillis();
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof List<?> list) {
			return list.stream().map(EventLog::json).toList();
		}
		if (value instanceof Record record) {
			return components(record);
		}
		return value.toString();
	}

	/** Matches the arbiter's events of a type. */
	public static Predicate<Event> event(Class<? extends ArbiterEvent> type) {
		return (event) -> event.is(type);
	}

	/** Matches the arbiter's events of a type about one worker. */
	public static Predicate<Event> event(Class<? extends ArbiterEvent> type, long pid) {
		return (event) -> event.is(type) && event.pid() == pid;
	}

	/**
	 * Matches a test worker's facts of a type, such as "StepStarted", about one worker.
	 */
	public static Predicate<Event> fact(String type, long pid) {
		return (event) -> event.type().equals(type) && event.pid() == pid;
	}

	/** The index of the first event that matches, or -1. */
	public static int indexOf(List<Event> events, Predicate<Event> which) {
		for (int i = 0; i < events.size(); i++) {
			if (which.test(events.get(i))) {
				return i;
			}
		}
		return -1;
	}

	/** The index of the last event that matches, or -1. */
	public static int lastIndexOf(List<Event> events, Predicate<Event> which) {
		for (int i = events.size() - 1; i >= 0; i--) {
			if (which.test(events.get(i))) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Every fact written so far, in the order written; a line still being written is left
	 * for the next read.
	 */
	List<Event> read() {
		String content;
		try {
			content = Files.readString(this.file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Event> events = new ArrayList<>();
		int start = 0;
		for (int end = content.indexOf('\n'); end >= 0; end = content.indexOf('\n', start)) {
			String line = content.substring(start, end);
			events.add(new Event(events.size(), line, JsonPath.parse(line)));
			start = end + 1;
		}
		return events;
	}

	/**
	 * One fact.
	 *
	 * @param index where it is in the log: 0 for the first fact written
	 * @param line the line
	 * @param json the line, parsed
	 */
	public record Event(int index, String line, DocumentContext json) {

		public String type() {
			return this.json.read("$.type");
		}

		public boolean is(Class<? extends ArbiterEvent> type) {
			return type.getSimpleName().equals(type());
		}

		/** Whether it is one of the arbiter's events rather than a worker's fact. */
		public boolean arbiterEvent() {
			return ARBITER_EVENTS.contains(type());
		}

		public String pool() {
			return string("pool");
		}

		public int number() {
			return this.json.read("$.number", Integer.class);
		}

		public long pid() {
			return this.json.read("$.pid", Long.class);
		}

		public String string(String field) {
			return this.json.read("$." + field, String.class);
		}

		public long longValue(String field) {
			return this.json.read("$." + field, Long.class);
		}

		/** A WorkerExited event's exit code, -1 if a signal ended the worker. */
		public int exitCode() {
			return this.json.read("$.status.code", Integer.class);
		}

		/** A WorkerExited event's signal, 0 if the worker exited by itself. */
		public int exitSignal() {
			return this.json.read("$.status.signal", Integer.class);
		}

		/** A WorkerExited event's cause: REQUESTED, KILLED… */
		public String cause() {
			return string("cause");
		}

		/** The same fact, however often the log is read. */
		@Override
		public boolean equals(Object other) {
			return other instanceof Event event && event.index == this.index && event.line.equals(this.line);
		}

		@Override
		public int hashCode() {
			return this.line.hashCode();
		}

		@Override
		public String toString() {
			return this.line;
		}

	}

}
