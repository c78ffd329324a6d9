package io.pistil;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layers apart: every package has its place, no arrow goes up, the public API
 * and the engine know nothing of Spring Boot, and only the native layer touches jnr.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(new ImportOption.DoNotIncludeTests())
		.importPackages("io.pistil");

	@Test
	void productionClassesOfEveryPackageAreImported() {
		assertThat(classes.stream().map((type) -> type.getPackageName()).distinct()).containsExactlyInAnyOrder(
				"io.pistil.actuate", "io.pistil.arbiter", "io.pistil.autoconfigure", "io.pistil.cache",
				"io.pistil.child", "io.pistil.contract", "io.pistil.net", "io.pistil.process", "io.pistil.worker",
				"io.pistil.messaging", "io.pistil.messaging.autoconfigure", "io.pistil.messaging.cluster",
				"io.pistil.messaging.local", "io.pistil.messaging.support");
		assertThat(classes.stream().map((type) -> type.getSimpleName())).doesNotContain("ArchitectureTests",
				"NativeProcessControlTests");
	}

	/**
	 * From the bottom: the worker API and the native layer depend on no other part; the
	 * arbiter↔child contract sits on them, the start-up cache on the contract's file
	 * helpers; the engine and the child's runtime each on the contract, never on each
	 * other; the Spring Boot wiring and the actuator on top.
	 */
	@Test
	void everyPackageDependsOnlyOnTheLayersBelowIt() {
		ArchRule rule = Architectures.layeredArchitecture()
			.consideringOnlyDependenciesInLayers()
			.layer("worker")
			.definedBy("io.pistil.worker..")
			.layer("process")
			.definedBy("io.pistil.process..")
			.layer("net")
			.definedBy("io.pistil.net..")
			.layer("cache")
			.definedBy("io.pistil.cache..")
			.layer("contract")
			.definedBy("io.pistil.contract..")
			.layer("arbiter")
			.definedBy("io.pistil.arbiter..")
			.layer("child")
			.definedBy("io.pistil.child..")
			.layer("actuate")
			.definedBy("io.pistil.actuate..")
			.layer("autoconfigure")
			.definedBy("io.pistil.autoconfigure..")
			.whereLayer("worker")
			.mayNotAccessAnyLayer()
			.whereLayer("process")
			.mayNotAccessAnyLayer()
			.whereLayer("net")
			.mayOnlyAccessLayers("process")
			.whereLayer("cache")
			.mayOnlyAccessLayers("contract")
			.whereLayer("contract")
			.mayOnlyAccessLayers("worker", "net")
			.whereLayer("arbiter")
			.mayOnlyAccessLayers("worker", "process", "net", "cache", "contract")
			.whereLayer("child")
			.mayOnlyAccessLayers("worker", "net", "contract")
			.whereLayer("actuate")
			.mayOnlyAccessLayers("arbiter", "process", "worker")
			.whereLayer("autoconfigure")
			.mayNotBeAccessedByAnyLayer();
		rule.check(classes);
	}

	@Test
	void workerArbiterContractNetAndProcessDoNotDependOnSpringBoot() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.pistil.worker..", "io.pistil.arbiter..", "io.pistil.contract..", "io.pistil.net..",
					"io.pistil.process..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..");
		rule.check(classes);
	}

	@Test
	void theEngineKnowsNothingOfMessaging() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.pistil.arbiter..", "io.pistil.contract..", "io.pistil.child..",
					"io.pistil.process..", "io.pistil.net..", "io.pistil.worker..")
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

	@Test
	void theChildsMainClassesNamedByTheContractExist() throws Exception {
		for (String mainClass : new String[] { io.pistil.contract.ChildArguments.WORKER_MAIN_CLASS,
				io.pistil.contract.ChildArguments.SUPERVISOR_MAIN_CLASS }) {
			Method main = Class.forName(mainClass).getMethod("main", String[].class);
			assertThat(Modifier.isStatic(main.getModifiers())).as("%s.main is static", mainClass).isTrue();
		}
	}

}
