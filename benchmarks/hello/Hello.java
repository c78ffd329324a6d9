/** The bare JVM that a worker's start-up is compared with: it starts, prints and exits. */
public class Hello {

	public static void main(String[] args) {
		System.out.println("hello");
	}

}
