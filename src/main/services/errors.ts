/** Something the user named does not exist or cannot be done: shown as is, exit code 2 in the CLI. */
export class UserInputError extends Error {
  override name = 'UserInputError';
}
