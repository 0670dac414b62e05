/** The body of every Twilio error answer; twilio-node turns it into a RestException. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const authError = (): TwilioErrorBody =>
  twilioError(401, 20003, "Authentication Error - invalid username");

export const notFound = (path: string): TwilioErrorBody =>
  twilioError(404, 20404, `The requested resource ${path} was not found`);

export const tooManyRequests = (): TwilioErrorBody => twilioError(429, 20429, "Too Many Requests");

export const internalError = (): TwilioErrorBody =>
  twilioError(500, 20500, "An internal server error has occurred");
