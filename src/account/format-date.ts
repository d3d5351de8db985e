/** A day as people read it on the Security page and in the CLI (ISO 8601 date); undefined for none. */
export const formatDate = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().slice(0, 10) : undefined);
