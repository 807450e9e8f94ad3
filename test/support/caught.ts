import { AppError } from '../../main/errors.js';

/** The AppError a promise rejects with; any other outcome fails the test. */
export async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
