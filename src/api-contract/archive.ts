/**
 * Reading the archive (docs/api.md "Archive"): conversations, a thread's messages, search, calls,
 * statistics and the import runs.
 */
import { z } from 'zod';
import { EpochMs, optionalEnum, optionalInt, optionalString, Paging, pageOf, queryText, twoWayPageOf } from './common.js';

export const Member = z.strictObject({ address: z.string(), name: z.string().nullable() });

export const ConversationQuery = Paging.extend({ q: optionalString });

export const ConversationItem = z.strictObject({
  id: z.number().int(),
  title: z.string(),
  members: z.array(Member),
  isGroup: z.boolean(),
  lastDate: EpochMs.nullable(),
  snippet: z.string().nullable(),
  messageCount: z.number().int(),
  /** How many of its messages are unread. */
  unread: z.number().int(),
});
export const ConversationPage = pageOf(ConversationItem);

export const Conversation = z.strictObject({
  id: z.number().int(),
  title: z.string(),
  members: z.array(Member),
  isGroup: z.boolean(),
  messageCount: z.number().int(),
  firstDate: EpochMs.nullable(),
  lastDate: EpochMs.nullable(),
});

/** Where a thread page starts: at most one of them; none is the newest page. */
export const ThreadQuery = z.object({ before: optionalString, after: optionalString, around: optionalInt, date: optionalInt, limit: optionalInt });

export const PART_KINDS = ['image', 'video', 'audio', 'vcard', 'text', 'other'] as const;
export const Part = z.strictObject({
  id: z.number().int(),
  contentType: z.string(),
  name: z.string().nullable(),
  size: z.number().int().nullable(),
  url: z.string(),
  kind: z.enum(PART_KINDS),
  text: z.string().nullable(),
  damaged: z.string().nullable(),
});

/**
 * GET /api/media/:id/thumb/:width: the grid's 160 px and the bubble's 320 px (the grid's on a 2x
 * screen); the web app names both in `srcset`. `/api/media/:id/view` is what a browser can show
 * of the part (the original, or a conversion: JPEG, MP4, M4A); 422 when it cannot be converted.
 */
export const THUMB_WIDTHS = ['160', '320'] as const;
export const ThumbParams = z.object({ id: z.coerce.number().int().positive(), width: z.enum(THUMB_WIDTHS) });

export const DIRECTIONS = ['in', 'out', 'unknown'] as const;
export const Message = z.strictObject({
  id: z.number().int(),
  conversationId: z.number().int(),
  kind: z.enum(['sms', 'mms']),
  date: EpochMs,
  dateSent: EpochMs.nullable(),
  direction: z.enum(DIRECTIONS),
  status: z.string().nullable(),
  read: z.boolean().nullable(),
  sender: Member.nullable(),
  body: z.string().nullable(),
  subject: z.string().nullable(),
  parts: z.array(Part),
});
export const MessagePage = twoWayPageOf(Message);

export const SearchQuery = Paging.extend({
  q: queryText,
  contact: optionalString,
  from: optionalInt,
  to: optionalInt,
  kind: optionalEnum(['sms', 'mms', 'call']),
  direction: optionalEnum(['in', 'out']),
});
export const SearchHit = z.strictObject({
  messageId: z.number().int(),
  conversationId: z.number().int(),
  conversationTitle: z.string(),
  date: EpochMs,
  direction: z.enum(DIRECTIONS),
  sender: Member.nullable(),
  /** Text with matches between \u0002 and \u0003 (never HTML). */
  snippet: z.string(),
});
export const SearchPage = pageOf(SearchHit).extend({
  /** Matches of the whole search; counting stops at 1,000 (then totalIsLowerBound). */
  total: z.number().int(),
  totalIsLowerBound: z.boolean(),
});

export const CALL_TYPES = ['incoming', 'outgoing', 'missed', 'voicemail', 'rejected', 'blocked', 'unknown'] as const;
export const CallQuery = Paging.extend({ contact: optionalString, type: optionalEnum(CALL_TYPES), from: optionalInt, to: optionalInt });
export const Call = z.strictObject({
  id: z.number().int(),
  date: EpochMs,
  number: z.string(),
  name: z.string().nullable(),
  type: z.enum(CALL_TYPES),
  durationS: z.number(),
});
export const CallPage = pageOf(Call);

export const TIMELINE_KINDS = ['sms', 'mms', 'call'] as const;
/** `missed` matches missed calls only; `incoming`/`outgoing` match messages and calls. */
export const TIMELINE_DIRECTIONS = ['incoming', 'outgoing', 'missed'] as const;
/** Where a timeline page starts (at most one of before, after and date; none is the newest page), and its filters. */
export const TimelineQuery = z.object({
  before: optionalString,
  after: optionalString,
  date: optionalInt,
  contact: optionalString,
  kind: optionalEnum(TIMELINE_KINDS),
  direction: optionalEnum(TIMELINE_DIRECTIONS),
  limit: optionalInt,
});
export const TimelineMessage = z.strictObject({
  kind: z.enum(['sms', 'mms']),
  id: z.number().int(),
  date: EpochMs,
  conversationId: z.number().int(),
  conversationTitle: z.string(),
  direction: z.enum(DIRECTIONS),
  sender: Member.nullable(),
  /** The text, cut at 200 characters; for an MMS without text what it carried (Picture, Video, Audio, Attachment, MMS). */
  text: z.string(),
});
export const TimelineCall = z.strictObject({
  kind: z.literal('call'),
  id: z.number().int(),
  date: EpochMs,
  number: z.string(),
  name: z.string().nullable(),
  callType: z.enum(CALL_TYPES),
  durationS: z.number(),
  /** The 1:1 conversation with this number, null when there is none. */
  conversationId: z.number().int().nullable(),
});
export const TimelineEntry = z.discriminatedUnion('kind', [TimelineMessage, TimelineCall]);
export const TimelinePage = twoWayPageOf(TimelineEntry);

/**
 * The gallery (issue 25): every stored attachment of the archive, or of one conversation, in date
 * order, a page at a time growing both ways (like the timeline); `date` opens the page at that
 * time (the month jump). `kind` filters by what the part is (photos, videos, audio, contact cards,
 * other files); `contact` by person (a number in any format or part of a name: the media of their
 * conversations). Text parts and parts whose data was damaged are never listed.
 */
export const GALLERY_KINDS = ['image', 'video', 'audio', 'vcard', 'other'] as const;
export const GalleryQuery = z.object({
  conversation: optionalInt,
  kind: optionalEnum(GALLERY_KINDS),
  contact: optionalString,
  before: optionalString,
  after: optionalString,
  date: optionalInt,
  limit: optionalInt,
});
export const GalleryItem = z.strictObject({
  /** The part: `url` is `/api/media/:id` (the original, `?download=1` to save it); `/view` and `/thumb/160|320` as for a thread's parts. */
  id: z.number().int(),
  url: z.string(),
  kind: z.enum(GALLERY_KINDS),
  /** As the backup declared it: a label only. */
  contentType: z.string(),
  name: z.string().nullable(),
  size: z.number().int(),
  /** The message it came from: open the thread `around` it. */
  messageId: z.number().int(),
  conversationId: z.number().int(),
  conversationTitle: z.string(),
  date: EpochMs,
  direction: z.enum(DIRECTIONS),
  sender: Member.nullable(),
});
export const GalleryPage = twoWayPageOf(GalleryItem);
/** How many items each month holds under the same filters, newest month first ("YYYY-MM", server time zone): the grid's scroll height and month jump. */
export const GalleryMonthsQuery = GalleryQuery.pick({ conversation: true, kind: true, contact: true });
/** `start`: the month's first millisecond (server time zone), to pass as `date`. */
export const GalleryMonth = z.strictObject({ month: z.string(), count: z.number().int(), start: EpochMs });
export const GalleryMonths = z.strictObject({ items: z.array(GalleryMonth), total: z.number().int() });

export const Summary = z.strictObject({
  sms: z.number().int(),
  mms: z.number().int(),
  calls: z.number().int(),
  conversations: z.number().int(),
  contacts: z.number().int(),
  firstDate: EpochMs.nullable(),
  lastDate: EpochMs.nullable(),
  backups: z.number().int(),
});

export const MonthStat = z.strictObject({
  /** "YYYY-MM", in the server's time zone. */
  month: z.string(),
  sent: z.number().int(),
  received: z.number().int(),
  /** Every message of the month (sent, received, unknown direction). */
  messages: z.number().int(),
  calls: z.number().int(),
  callMinutes: z.number(),
});
/** A run of empty months between messages: "YYYY-MM" to "YYYY-MM". */
export const MonthGap = z.strictObject({ from: z.string(), to: z.string(), months: z.number().int() });
export const MonthlyStats = z.strictObject({
  /** Every month from the first to the last message or call, empty ones included. */
  months: z.array(MonthStat),
  gaps: z.array(MonthGap),
  /** How many empty months in a row make a gap. */
  longGapMonths: z.number().int(),
});

export const TopQuery = z.object({ by: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['messages', 'calls']).default('messages')), limit: optionalInt });
export const TopContact = z.strictObject({ address: z.string(), name: z.string().nullable(), messages: z.number().int(), callSeconds: z.number() });
export const TopContacts = z.strictObject({ items: z.array(TopContact) });

/** weekday 0-6 (0 = Sunday), hour 0-23, in the server's time zone; always all 168 cells. */
export const ActivityCell = z.strictObject({ weekday: z.number().int(), hour: z.number().int(), count: z.number().int() });
export const Activity = z.strictObject({ cells: z.array(ActivityCell) });

/** One import run: a backup file that was read (the import history; failed uploads are jobs). */
export const BackupRun = z.strictObject({
  id: z.number().int(),
  file: z.string(),
  format: z.string(),
  /** What the file held (messages, calls, both). */
  content: z.string(),
  status: z.string(),
  startedAt: EpochMs,
  endedAt: EpochMs,
  size: z.number().int(),
  sha256: z.string(),
  /** The file's own backup date, null when it had none. */
  backupDate: EpochMs.nullable(),
  /** The region its phone numbers were read in (e.g. US). */
  region: z.string(),
  read: z.number().int(),
  new: z.number().int(),
  duplicate: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  warnings: z.number().int(),
  notes: z.array(z.string()),
});
export const BackupRunPage = pageOf(BackupRun);

export type Member = z.infer<typeof Member>;
export type ConversationItem = z.infer<typeof ConversationItem>;
export type ConversationPage = z.infer<typeof ConversationPage>;
export type Conversation = z.infer<typeof Conversation>;
export type PartKind = (typeof PART_KINDS)[number];
export type Part = z.infer<typeof Part>;
export type Message = z.infer<typeof Message>;
export type MessagePage = z.infer<typeof MessagePage>;
export type SearchHit = z.infer<typeof SearchHit>;
export type SearchPage = z.infer<typeof SearchPage>;
export type CallType = (typeof CALL_TYPES)[number];
export type Call = z.infer<typeof Call>;
export type CallPage = z.infer<typeof CallPage>;
export type TimelineMessage = z.infer<typeof TimelineMessage>;
export type TimelineCall = z.infer<typeof TimelineCall>;
export type TimelineEntry = z.infer<typeof TimelineEntry>;
export type TimelinePage = z.infer<typeof TimelinePage>;
export type GalleryKind = (typeof GALLERY_KINDS)[number];
export type GalleryItem = z.infer<typeof GalleryItem>;
export type GalleryPage = z.infer<typeof GalleryPage>;
export type GalleryMonth = z.infer<typeof GalleryMonth>;
export type GalleryMonths = z.infer<typeof GalleryMonths>;
export type Summary = z.infer<typeof Summary>;
export type MonthStat = z.infer<typeof MonthStat>;
export type MonthGap = z.infer<typeof MonthGap>;
export type MonthlyStats = z.infer<typeof MonthlyStats>;
export type TopContact = z.infer<typeof TopContact>;
export type ActivityCell = z.infer<typeof ActivityCell>;
export type BackupRun = z.infer<typeof BackupRun>;
