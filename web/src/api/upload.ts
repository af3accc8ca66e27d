import { ApiError, csrfHeader, noticeStatus, statusMessage } from './client';
import type { ApiErrorBody, JobAccepted } from './types';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Streams a file as the raw request body to POST /api/uploads. XMLHttpRequest, not fetch, because
 * only XHR reports upload progress in browsers; the body is the File itself, so the browser reads
 * it from disk as it sends and never holds the whole file in memory.
 */
export function uploadBackup(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal, passphrase?: string): Promise<JobAccepted> {
  const path = `/api/uploads?name=${encodeURIComponent(file.name)}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    for (const [k, v] of Object.entries(csrfHeader())) xhr.setRequestHeader(k, v);
    // An encrypted backup's password, for this upload's job only (the server keeps it in memory).
    if (passphrase !== undefined) xhr.setRequestHeader('X-Backup-Passphrase', encodeURIComponent(passphrase));
    xhr.upload.onprogress = (e) => {
      onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    };
    xhr.onerror = () => {
      reject(new ApiError(0, 'network', 'The upload was interrupted (network error). Try again.'));
    };
    xhr.onabort = () => {
      reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    };
    xhr.onload = () => {
      noticeStatus(path, xhr.status);
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // Leave body null: handled below.
      }
      if (xhr.status >= 200 && xhr.status < 300 && body !== null && typeof body === 'object' && 'jobId' in body) {
        resolve(body as JobAccepted);
        return;
      }
      const err = (body as Partial<ApiErrorBody> | null)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? statusMessage(xhr.status)));
    };
    signal?.addEventListener('abort', () => {
      xhr.abort();
    });
    xhr.send(file);
  });
}
