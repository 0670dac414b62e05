/**
 * A normalised Messages create request, as journaled and as sent. Field names follow
 * twilio-node's MessageListInstanceCreateOptions so the edge passes it through unchanged.
 */
export interface MessageRequest {
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrl?: string[];
  statusCallback?: string;
  sendAt?: string;
  scheduleType?: "fixed";
  validityPeriod?: number;
}
