/** Request header marking a canary project; honoured only for canary clients (docs/ARCHITECTURE.md). */
export const CANARY_HEADER = 'X-AgenticAI-Canary';
