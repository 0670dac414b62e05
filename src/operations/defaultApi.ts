/**
 * The API of a row that names none, and of every row journaled before rows had an API. Its own
 * file so that the journal and the report read it without loading the operations.
 */
export const DEFAULT_API = "messages";
