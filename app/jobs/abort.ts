/**
 * Abort reason for "stop now, resume later" (worker shutdown, a lost lease or lock). Handlers that checkpoint (the
 * sync engine) leave their work resumable instead of cancelling it. `resumable: true` is the contract, so this
 * low-level module needs nothing from the layers above it.
 */
export function resumableAbort(message: string): Error & { resumable: true } {
  return Object.assign(new Error(message), { resumable: true as const });
}
