/** An error a control endpoint answers with its status and message (JSON `{"error": …}`). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
