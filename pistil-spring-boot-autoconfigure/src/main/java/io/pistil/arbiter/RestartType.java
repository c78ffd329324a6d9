package io.pistil.arbiter;

/**
 * Whether a worker that ended by itself is restarted, as in Erlang/OTP.
 *
 * <table>
 * <caption>Restart decision</caption>
 * <tr>
 * <th></th>
 * <th>exit code 0</th>
 * <th>any other end</th>
 * </tr>
 * <tr>
 * <td>PERMANENT</td>
 * <td>restarted</td>
 * <td>restarted</td>
 * </tr>
 * <tr>
 * <td>TRANSIENT</td>
 * <td>not restarted</td>
 * <td>restarted</td>
 * </tr>
 * <tr>
 * <td>TEMPORARY</td>
 * <td>not restarted</td>
 * <td>not restarted</td>
 * </tr>
 * </table>
 * A worker that is not restarted leaves its pool one worker smaller.
 */
public enum RestartType {

	PERMANENT, TRANSIENT, TEMPORARY;

	/**
	 * Whether a worker that ended this way is restarted.
	 * @param normal whether it exited with code 0
	 * @return whether to restart it
	 */
	public boolean restarts(boolean normal) {
		return switch (this) {
			case PERMANENT -> true;
			case TRANSIENT -> !normal;
			case TEMPORARY -> false;
		};
	}

}
