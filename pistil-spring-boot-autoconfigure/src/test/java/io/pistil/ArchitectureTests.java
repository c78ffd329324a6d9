package io.pistil;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layers apart: the public API and the engine know nothing of Spring Boot, and
 * only the native layer touches jnr.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(new ImportOption.DoNotIncludeTests())
		.importPackages("io.pistil");

	@Test
	void productionClassesOfEveryPackageAreImported() {
		assertThat(classes.stream().map((type) -> type.getPackageName()).distinct()).containsExactlyInAnyOrder(
				"io.pistil.actuate", "io.pistil.arbiter", "io.pistil.autoconfigure", "io.pistil.child", "io.pistil.net",
				"io.pistil.process", "io.pistil.worker", "io.pistil.messaging", "io.pistil.messaging.autoconfigure",
				"io.pistil.messaging.cluster", "io.pistil.messaging.local", "io.pistil.messaging.support");
		assertThat(classes.stream().map((type) -> type.getSimpleName())).doesNotContain("ArchitectureTests",
				"NativeProcessControlTests");
	}

	@Test
	void workerArbiterAndProcessDoNotDependOnSpringBoot() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.pistil.worker..", "io.pistil.arbiter..", "io.pistil.net..", "io.pistil.process..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..");
		rule.check(classes);
	}

	@Test
	void theEngineKnowsNothingOfMessaging() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.pistil.arbiter..", "io.pistil.child..", "io.pistil.process..", "io.pistil.net..",
					"io.pistil.worker..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.pistil.messaging..");
		rule.check(classes);
	}

	@Test
	void messagingTransportsAndApiDoNotDependOnSpringBoot() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.pistil.messaging", "io.pistil.messaging.local..", "io.pistil.messaging.support..",
					"io.pistil.messaging.cluster..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..");
		rule.check(classes);
	}

	@Test
	void onlyTheProcessPackageDependsOnJnr() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("io.pistil.process..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("jnr..");
		rule.check(classes);
		assertThat(classes.stream()
			.filter((type) -> type.getPackageName().equals("io.pistil.process"))
			.flatMap((type) -> type.getDirectDependenciesFromSelf().stream())
			.map((dependency) -> dependency.getTargetClass().getPackageName()))
			.as("the native layer is where jnr is used")
			.anyMatch((name) -> name.startsWith("jnr."));
	}

	@Test
	void workerApiDependsOnNothingElseOfPistil() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("io.pistil.worker..")
			.should()
			.dependOnClassesThat(resideInAPackage("io.pistil..").and(resideOutsideOfPackage("io.pistil.worker..")));
		rule.check(classes);
	}

}
