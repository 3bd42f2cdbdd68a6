/** A problem the operator must fix; its message says what to install or set. */
export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}
