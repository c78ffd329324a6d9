package io.pistil.process;

import java.util.Arrays;
import java.util.Optional;

/**
 * The signals pistil sends or names, with their Linux numbers.
 */
public enum UnixSignal {

	HUP(1), INT(2), QUIT(3), ILL(4), TRAP(5), ABRT(6), BUS(7), FPE(8), KILL(9), USR1(10), SEGV(11), USR2(12), PIPE(13),
	ALRM(14), TERM(15), CHLD(17), CONT(18), STOP(19), TSTP(20), TTIN(21), TTOU(22), XCPU(24), XFSZ(25), WINCH(28);

	private final int number;

	UnixSignal(int number) {
		this.number = number;
	}

	public int number() {
		return this.number;
	}

	/**
	 * Finds the signal with a number.
	 * @param number a signal number
	 * @return the signal, or empty for a number this enum does not name
	 */
	public static Optional<UnixSignal> of(int number) {
		return Arrays.stream(values()).filter((signal) -> signal.number == number).findFirst();
	}

}
