package io.pistil.child;

import io.pistil.contract.ChildArguments;
import io.pistil.contract.ExitCodes;
import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;

/**
 * How every child begins, worker or supervisor: it reads its arguments, makes sure the
 * arbiter that spawned it is still its parent (else it exits at once), and claims its
 * scoreboard slot.
 *
 * @param arguments what the arbiter told the child
 * @param slot the child's slot, claimed: booting, with the child's pid
 */
public record ClaimedSlot(ChildArguments arguments, Scoreboard.Slot slot) {

	/**
	 * Begins a child.
	 * @param args the child's command-line arguments
	 * @return its arguments and slot
	 */
	public static ClaimedSlot claim(String[] args) {
		ChildArguments arguments = ChildArguments.parse(args);
		if (!ParentWatch.isParent(arguments.arbiterPid())) {
			System.err.println("pistil: arbiter " + arguments.arbiterPid() + " is gone; not starting");
			System.exit(ExitCodes.FAILED);
		}
		Scoreboard.Slot slot = Scoreboard.open(RunFiles.scoreboard(arguments.runDirectory())).slot(arguments.slot());
		slot.begin(ProcessHandle.current().pid());
		return new ClaimedSlot(arguments, slot);
	}

}
