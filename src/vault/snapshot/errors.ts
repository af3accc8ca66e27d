/**
 * What can go wrong with a snapshot, each naming the file and what to do.
 */
export class SnapshotError extends Error {
  override readonly name: string = 'SnapshotError';
}

/** A file of a snapshot is missing, cut short or altered. */
export class SnapshotDamagedError extends SnapshotError {
  override readonly name = 'SnapshotDamagedError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}; this snapshot cannot be restored from as it is: use another snapshot (textvault snapshot list) and take a new one`);
  }
}

/** The passphrase or key file does not open this snapshot folder. */
export class SnapshotKeyError extends SnapshotError {
  override readonly name = 'SnapshotKeyError';
}

/** Another snapshot or prune is writing to the same folder. */
export class SnapshotBusyError extends SnapshotError {
  override readonly name = 'SnapshotBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the snapshot folder ${dir} is busy: process ${pid} is writing to it; wait for it to finish`);
  }
}
