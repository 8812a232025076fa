// Records a clinical session in the browser and uploads it, never through the Blazor circuit.
//
// Capture: the chosen microphone -> AudioWorklet (recorder-worklet.js: mono, 16 kHz, signed 16-bit) -> chunks of 5 s,
// each a complete WAV (44-byte header), numbered from 0 without gaps; chunk n's samples follow chunk n-1's exactly.
// Durability: every chunk is written to IndexedDB BEFORE it is uploaded and deleted only after the server answered 200
// (it acknowledges only what it stored durably). The chunk being filled is written too, batch by batch (about 100 ms
// each, small enough to be stored inline), so a reload whose last-moment save is lost, or a crash, loses at most the
// batch in flight: the next page joins those pieces into the chunk they were for. Uploads go one at a time, lowest sequence first, through api.js (the
// antiforgery header), retried with exponential backoff and jitter across network drops, reloads and server restarts.
// After a reload or a crash the page finds what waits in IndexedDB and continues the session's sequence or stops it.

import { apiFetch, apiJson, forgetAntiforgeryToken } from "./api.js";

export const sampleRate = 16000;
export const chunkSamples = 5 * sampleRate;

const dbName = "plexura-recorder";
const chunkStore = "chunks";
const sessionStore = "sessions";
const pieceStore = "pieces";
const maxBackoffMs = 30000;
const requestTimeoutMs = 30000;
const sleepGapMs = 10000;

// ---------------------------------------------------------------- WAV

/** A complete WAV file (44-byte canonical header, PCM, mono, 16 kHz, 16 bits) around the samples. */
export function wav(samples) {
    const dataBytes = samples.length * 2;
    const buffer = new ArrayBuffer(44 + dataBytes);
    const view = new DataView(buffer);
    const text = (offset, value) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
    text(0, "RIFF");
    view.setUint32(4, 36 + dataBytes, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, sampleRate, true);
    view.setUint32(28, sampleRate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, dataBytes, true);
    new Int16Array(buffer, 44).set(samples);
    return buffer;
}

// ---------------------------------------------------------------- IndexedDB

let database = null;
// The opened database once db() resolved, so a page being left can start a transaction without waiting.
let openedDatabase = null;

function request(r) {
    return new Promise((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
    });
}

function done(tx) {
    return new Promise((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted."));
    });
}

function db() {
    database ??= new Promise((resolve, reject) => {
        const open = indexedDB.open(dbName, 2);
        open.onupgradeneeded = event => {
            if (event.oldVersion < 1) {
                open.result.createObjectStore(chunkStore, { keyPath: ["sessionId", "sequence"] });
                open.result.createObjectStore(sessionStore, { keyPath: "sessionId" });
            }
            if (event.oldVersion < 2) {
                open.result.createObjectStore(pieceStore, { keyPath: ["sessionId", "sequence", "offset"] });
            }
        };
        open.onsuccess = () => {
            // A newer page asking to upgrade the database gets it: this one reopens on its next use.
            open.result.onversionchange = () => {
                open.result.close();
                database = null;
                openedDatabase = null;
            };
            resolve(open.result);
        };
        open.onerror = () => reject(open.error);
    }).then(opened => {
        openedDatabase = opened;
        return opened;
    }).catch(error => {
        database = null;
        throw error;
    });
    return database;
}

const range = sessionId => IDBKeyRange.bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER]);
const pieceRange = (sessionId, sequence) => sequence === undefined
    ? IDBKeyRange.bound([sessionId, 0, 0], [sessionId, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])
    : IDBKeyRange.bound([sessionId, sequence, 0], [sessionId, sequence, Number.MAX_SAFE_INTEGER]);

function emptySession(sessionId) {
    return { sessionId, nextSequence: 0, recordedSamples: 0, chunkCount: null, updatedAt: Date.now() };
}

/** Stores a chunk, the session's next sequence and the removal of the chunk's pieces in one transaction: all, or none. */
async function storeChunk(sessionId, sequence, samples) {
    const tx = (await db()).transaction([chunkStore, sessionStore, pieceStore], "readwrite");
    const sessions = tx.objectStore(sessionStore);
    tx.objectStore(chunkStore).put({ sessionId, sequence, wav: wav(samples), samples: samples.length });
    tx.objectStore(pieceStore).delete(pieceRange(sessionId, sequence));
    const existing = (await request(sessions.get(sessionId))) ?? emptySession(sessionId);
    sessions.put({
        ...existing,
        nextSequence: Math.max(existing.nextSequence, sequence + 1),
        recordedSamples: existing.recordedSamples + samples.length,
        updatedAt: Date.now(),
    });
    await done(tx);
}

async function readSession(sessionId) {
    const tx = (await db()).transaction(sessionStore, "readonly");
    return (await request(tx.objectStore(sessionStore).get(sessionId))) ?? null;
}

async function updateSession(sessionId, change) {
    const tx = (await db()).transaction(sessionStore, "readwrite");
    const store = tx.objectStore(sessionStore);
    const existing = (await request(store.get(sessionId))) ?? emptySession(sessionId);
    store.put({ ...existing, ...change, updatedAt: Date.now() });
    await done(tx);
}

async function forgetSession(sessionId) {
    const tx = (await db()).transaction([chunkStore, sessionStore, pieceStore], "readwrite");
    tx.objectStore(sessionStore).delete(sessionId);
    tx.objectStore(pieceStore).delete(pieceRange(sessionId));
    await done(tx);
}

// Deletes every waiting chunk of the session and its record: used when the client's consent was revoked, so audio the
// client no longer agrees to is not left on this computer.
async function discardSession(sessionId) {
    const tx = (await db()).transaction([chunkStore, sessionStore, pieceStore], "readwrite");
    tx.objectStore(chunkStore).delete(range(sessionId));
    tx.objectStore(pieceStore).delete(pieceRange(sessionId));
    tx.objectStore(sessionStore).delete(sessionId);
    await done(tx);
}

async function firstChunk(sessionId) {
    const tx = (await db()).transaction(chunkStore, "readonly");
    const cursor = await request(tx.objectStore(chunkStore).openCursor(range(sessionId)));
    return cursor?.value ?? null;
}

/** Writes samples of the chunk being filled as one piece, in a transaction committed before this returns; best effort. */
function storePiece(sessionId, sequence, offset, samples) {
    if (!openedDatabase) {
        return;
    }
    try {
        const tx = openedDatabase.transaction(pieceStore, "readwrite");
        tx.objectStore(pieceStore).put({ sessionId, sequence, offset, samples });
        tx.commit?.();
    } catch {
        // The cut chunk is still written whole; only the protection against a lost last save is missing.
    }
}

/**
 * Joins the pieces a page left behind (it was reloaded or crashed before it could store the chunk being filled) into
 * chunks numbered from the session's next sequence, so what they hold is sent like any other chunk. Pieces of
 * sequences already stored are dropped. Returns the session's next sequence afterwards.
 */
async function recoverPieces(sessionId) {
    const tx = (await db()).transaction(pieceStore, "readonly");
    const pieces = await request(tx.objectStore(pieceStore).getAll(pieceRange(sessionId)));
    let next = (await readSession(sessionId))?.nextSequence ?? 0;
    if (pieces.length === 0) {
        return next;
    }
    const bySequence = new Map();
    for (const piece of pieces) {
        if (piece.sequence >= next) {
            (bySequence.get(piece.sequence) ?? bySequence.set(piece.sequence, []).get(piece.sequence)).push(piece);
        }
    }
    for (const sequence of [...bySequence.keys()].sort((a, b) => a - b)) {
        const parts = bySequence.get(sequence).sort((a, b) => a.offset - b.offset);
        const samples = new Int16Array(parts.reduce((n, p) => n + p.samples.length, 0));
        let at = 0;
        for (const part of parts) {
            samples.set(part.samples, at);
            at += part.samples.length;
        }
        await storeChunk(sessionId, next, samples);
        next++;
    }
    const cleanup = (await db()).transaction(pieceStore, "readwrite");
    cleanup.objectStore(pieceStore).delete(pieceRange(sessionId));
    await done(cleanup);
    return next;
}

const lockName = sessionId => `plexura-recorder-${sessionId}`;

/** Runs fn unless another tab records the session (it holds the session's lock and still writes pieces). */
async function unlessRecordedElsewhere(sessionId, heldHere, fn) {
    if (heldHere || !navigator.locks?.request) {
        return fn();
    }
    return navigator.locks.request(lockName(sessionId), { ifAvailable: true }, lock => lock ? fn() : undefined);
}

async function hasPieces(sessionId) {
    const tx = (await db()).transaction(pieceStore, "readonly");
    return (await request(tx.objectStore(pieceStore).count(pieceRange(sessionId)))) > 0;
}

/** Session ids that have pieces waiting, possibly without a session record (a crash within the first chunk). */
async function sessionsWithPieces() {
    const tx = (await db()).transaction(pieceStore, "readonly");
    const keys = await request(tx.objectStore(pieceStore).getAllKeys());
    return [...new Set(keys.map(k => k[0]))];
}

async function countChunks(sessionId) {
    const tx = (await db()).transaction(chunkStore, "readonly");
    return request(tx.objectStore(chunkStore).count(range(sessionId)));
}

async function deleteChunk(sessionId, sequence) {
    const tx = (await db()).transaction(chunkStore, "readwrite");
    tx.objectStore(chunkStore).delete([sessionId, sequence]);
    await done(tx);
}

async function localSessions() {
    const tx = (await db()).transaction(sessionStore, "readonly");
    return request(tx.objectStore(sessionStore).getAll());
}

// ---------------------------------------------------------------- HTTP

async function problemOf(response) {
    try {
        return await response.json();
    } catch {
        return {};
    }
}

const isConsentRevoked = problem => typeof problem?.type === "string" && problem.type.endsWith("consent-revoked");

function retryAfterMs(response) {
    const value = response.headers.get("Retry-After");
    if (!value) {
        return null;
    }
    const seconds = Number(value);
    if (Number.isFinite(seconds)) {
        return Math.max(0, seconds * 1000);
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter (half fixed, half random), capped. */
function backoffMs(attempt) {
    const ceiling = Math.min(maxBackoffMs, 500 * 2 ** Math.min(attempt, 10));
    return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Microphones the browser offers; labels are empty until the page has been allowed to use one. */
export async function listMicrophones() {
    if (!navigator.mediaDevices?.enumerateDevices) {
        return [];
    }
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices
        .filter(d => d.kind === "audioinput")
        .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

/** The signed-in clinician's unfinished sessions on the server and the sessions with audio waiting in this browser. */
export async function findUnfinished() {
    let server = null;
    try {
        const response = await apiFetch("/api/v1/sessions/unfinished", { cache: "no-store" });
        if (response.ok) {
            server = await response.json();
        }
    } catch {
        server = null;
    }
    for (const sessionId of await sessionsWithPieces()) {
        await unlessRecordedElsewhere(sessionId, false, () => recoverPieces(sessionId));
    }
    const local = [];
    for (const session of await localSessions()) {
        local.push({ ...session, waiting: await countChunks(session.sessionId) });
    }
    return { server, local };
}

/** The message shown for a getUserMedia failure, in plain words. */
function microphoneMessage(error) {
    switch (error?.name) {
        case "NotAllowedError":
        case "SecurityError":
            return "The browser is not allowed to use the microphone. Allow the microphone for this site (the icon in the address bar), then press Start again.";
        case "NotFoundError":
        case "OverconstrainedError":
            return "No microphone was found. Connect one, choose it in the list, then press Start again.";
        case "NotReadableError":
        case "AbortError":
            return "The microphone cannot be used: another app may be using it. Close that app, then press Start again.";
        default:
            return "The microphone could not be started. Check it is connected, then press Start again.";
    }
}

// ---------------------------------------------------------------- uploader

/** Sends a session's waiting chunks in order, then the stop request once one was asked for. One per session per page. */
class Uploader {
    constructor(sessionId, recorder) {
        this.sessionId = sessionId;
        this.recorder = recorder;
        this.wakeUp = null;
        this.running = false;
        this.closed = false;
        this.halted = false;
        this.attempt = 0;
    }

    /** Starts the loop, or wakes it from a backoff wait. */
    kick() {
        if (this.closed || this.halted) {
            return;
        }
        if (this.running) {
            this.wakeUp?.();
            return;
        }
        this.running = true;
        this.loop().finally(() => {
            this.running = false;
        });
    }

    close() {
        this.closed = true;
        this.wakeUp?.();
    }

    wait(ms) {
        return new Promise(resolve => {
            const timer = setTimeout(finish, ms);
            function finish() {
                clearTimeout(timer);
                resolve();
            }
            this.wakeUp = finish;
        }).finally(() => {
            this.wakeUp = null;
        });
    }

    async retryLater(problem, response) {
        this.recorder.update({ uploadProblem: problem });
        const ms = (response && retryAfterMs(response)) ?? backoffMs(this.attempt);
        this.attempt++;
        await this.wait(ms);
    }

    async loop() {
        while (!this.closed && !this.halted) {
            let chunk;
            try {
                chunk = await firstChunk(this.sessionId);
            } catch {
                await this.retryLater("The browser's storage cannot be read. Keep this page open.");
                continue;
            }
            if (chunk) {
                await this.send(chunk);
                continue;
            }
            const session = await readSession(this.sessionId);
            if (session?.chunkCount != null) {
                await this.sendStop(session.chunkCount);
                continue;
            }
            this.recorder.update({ uploadProblem: null });
            return;
        }
    }

    async send(chunk) {
        let response;
        try {
            response = await apiFetch(`/api/v1/sessions/${this.sessionId}/audio/${chunk.sequence}`, {
                method: "PUT",
                headers: { "Content-Type": "audio/wav" },
                body: chunk.wav,
                signal: AbortSignal.timeout(requestTimeoutMs),
            });
        } catch {
            await this.retryLater(navigator.onLine === false
                ? "No internet connection. Recording continues; audio waits on this computer and is sent when the connection returns."
                : "The server cannot be reached. Recording continues; audio waits on this computer and is sent when it answers.");
            return;
        }
        if (response.ok) {
            await deleteChunk(this.sessionId, chunk.sequence);
            this.attempt = 0;
            this.recorder.acknowledged(chunk.sequence);
            return;
        }
        const problem = await problemOf(response);
        if (response.status === 409 && isConsentRevoked(problem)) {
            this.halted = true;
            await discardSession(this.sessionId);
            await this.recorder.refused((problem.detail || "The client's consent was revoked: recording has stopped.")
                + " The audio not yet sent was deleted from this computer.");
            return;
        }
        if (response.status === 409) {
            // The session was stopped before this chunk: the server can never take it.
            await deleteChunk(this.sessionId, chunk.sequence);
            this.recorder.rejected(chunk.sequence, problem.detail);
            return;
        }
        if (response.status === 404) {
            this.halted = true;
            await this.recorder.refused("This session was not found: it may have been deleted, or you are signed in as someone else. The recorded audio is kept on this computer.");
            return;
        }
        if (response.status === 401) {
            await this.retryLater("You are signed out. Sign in again in another tab; the audio waits on this computer and is sent then.", response);
            return;
        }
        if (response.status === 403) {
            forgetAntiforgeryToken();
            await this.retryLater("The server refused the upload. Reload the page if this does not clear; the audio waits on this computer.", response);
            return;
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
            this.halted = true;
            await this.recorder.refused(problem.detail || "The server refused the recorded audio. The audio is kept on this computer.");
            return;
        }
        await this.retryLater("The server is busy or restarting. Audio waits on this computer and is sent when it answers.", response);
    }

    async sendStop(chunkCount) {
        let response;
        try {
            response = await apiJson(`/api/v1/sessions/${this.sessionId}/stop`, "POST", { chunkCount });
        } catch {
            await this.retryLater("The server cannot be reached to finish the session. It is finished as soon as it answers.");
            return;
        }
        if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403 && response.status !== 408 && response.status !== 429)) {
            const problem = response.ok ? null : await problemOf(response);
            await forgetSession(this.sessionId);
            this.attempt = 0;
            this.recorder.finished(problem?.detail ?? null);
            this.closed = true;
            return;
        }
        if (response.status === 403) {
            forgetAntiforgeryToken();
        }
        await this.retryLater("The server is busy or restarting. The session is finished as soon as it answers.", response);
    }
}

// ---------------------------------------------------------------- recorder

/**
 * One session's recorder on this page. Listener receives the state on every change: { phase, recordedSeconds, sent,
 * waiting, online, uploadProblem, message, severity, rms, peak, nextSequence }. Phases: idle, starting, recording,
 * paused, interrupted (microphone lost or failed; recorded audio kept), stopping, stopped, refused.
 */
export class SessionRecorder {
    constructor(sessionId, listener) {
        this.sessionId = sessionId;
        this.listener = listener ?? (() => { });
        this.state = {
            phase: "idle", recordedSeconds: 0, sent: 0, waiting: 0, online: navigator.onLine !== false,
            uploadProblem: null, message: null, severity: "info", rms: 0, peak: 0, nextSequence: 0, serverStatus: null,
        };
        this.uploader = new Uploader(sessionId, this);
        this.nextSequence = 0;
        this.baseSamples = 0;
        this.samples = 0;
        this.buffer = new Int16Array(chunkSamples);
        this.buffered = 0;
        this.capture = null;
        this.controlId = 0;
        this.controls = new Map();
        this.writes = Promise.resolve();
        this.pendingWrites = 0;
        this.wakeLock = null;
        this.tabLock = null;
        this.lastTick = Date.now();
        this.onOnline = () => {
            this.update({ online: true });
            this.uploader.attempt = 0;
            this.uploader.kick();
        };
        this.onOffline = () => this.update({ online: false });
        this.onVisibility = () => {
            if (document.visibilityState === "visible" && this.state.phase === "recording") {
                this.keepAwake();
            }
        };
        this.onBeforeUnload = event => {
            if (this.state.phase === "recording" || this.state.phase === "paused" || this.state.waiting > 0 || this.state.phase === "stopping") {
                event.preventDefault();
                event.returnValue = "";
            }
        };
        this.onPageHide = () => this.cutChunkBeforeLeaving();
        this.tick = setInterval(() => this.checkClock(), 1000);
        addEventListener("online", this.onOnline);
        addEventListener("offline", this.onOffline);
        addEventListener("beforeunload", this.onBeforeUnload);
        addEventListener("pagehide", this.onPageHide);
        document.addEventListener("visibilitychange", this.onVisibility);
    }

    update(change) {
        Object.assign(this.state, change);
        try {
            this.listener({ ...this.state });
        } catch {
            // A listener's failure must never stop the recording.
        }
    }

    /** What waits here and on the server; sets the sequence a new capture continues from. Call before start. */
    async inspect() {
        await unlessRecordedElsewhere(this.sessionId, this.tabLock !== null, () => recoverPieces(this.sessionId));
        const local = await readSession(this.sessionId);
        const waiting = await countChunks(this.sessionId);
        let server = null;
        try {
            const response = await apiFetch(`/api/v1/sessions/${this.sessionId}`, { cache: "no-store" });
            if (response.ok) {
                server = await response.json();
            }
        } catch {
            server = null;
        }
        this.nextSequence = Math.max(local?.nextSequence ?? 0, server?.nextSequence ?? 0);
        this.baseSamples = local?.recordedSamples ?? 0;
        const stopping = local?.chunkCount != null;
        this.update({
            waiting,
            nextSequence: this.nextSequence,
            recordedSeconds: this.baseSamples / sampleRate,
            serverStatus: server?.status ?? null,
            phase: stopping ? "stopping" : this.state.phase,
        });
        if (waiting > 0 || stopping) {
            this.uploader.kick();
        }
        return {
            sessionId: this.sessionId,
            localNextSequence: local?.nextSequence ?? 0,
            serverNextSequence: server?.nextSequence ?? null,
            serverStatus: server?.status ?? null,
            waiting,
            stopping,
            recordedSeconds: this.baseSamples / sampleRate,
        };
    }

    /** Starts (or continues) capturing from the chosen microphone. Options: deviceId, echoCancellation, noiseSuppression, autoGainControl. */
    async start(options = {}) {
        if (this.capture || this.state.phase === "stopping" || this.state.phase === "stopped" || this.state.phase === "refused") {
            return this.state.phase;
        }
        this.update({ phase: "starting", message: null });
        if (!await this.holdTabLock()) {
            this.tabWasBusy = true;
            this.update({
                phase: "interrupted",
                message: "This session is being recorded in another tab or window. Record there, or close that tab and try again.",
                severity: "error",
            });
            return this.state.phase;
        }
        if (this.tabWasBusy || await hasPieces(this.sessionId).catch(() => false)) {
            // Another tab recorded meanwhile, or left pieces when it closed: continue after what it stored and sent.
            this.tabWasBusy = false;
            await this.inspect();
            this.update({ phase: "starting" });
        }
        let stream;
        try {
            if (!navigator.mediaDevices?.getUserMedia) {
                throw Object.assign(new Error("No media devices."), { name: "NotFoundError" });
            }
            stream = await navigator.mediaDevices.getUserMedia({
                audio: {
                    deviceId: options.deviceId ? { exact: options.deviceId } : undefined,
                    channelCount: 1,
                    echoCancellation: options.echoCancellation ?? true,
                    noiseSuppression: options.noiseSuppression ?? true,
                    autoGainControl: options.autoGainControl ?? true,
                },
            });
        } catch (error) {
            this.update({ phase: "interrupted", message: microphoneMessage(error), severity: "error" });
            return this.state.phase;
        }

        try {
            const context = new AudioContext({ latencyHint: "interactive" });
            await context.audioWorklet.addModule(new URL("./recorder-worklet.js", import.meta.url));
            const source = context.createMediaStreamSource(stream);
            const node = new AudioWorkletNode(context, "plexura-capture", {
                numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit", channelInterpretation: "speakers",
            });
            node.port.onmessage = event => this.fromWorklet(event.data);
            source.connect(node);
            node.connect(context.destination);
            const track = stream.getAudioTracks()[0];
            this.capture = { stream, context, source, node, track };
            track.addEventListener("ended", () => this.microphoneLost());
            context.onstatechange = () => this.contextChanged();
            if (context.state !== "running") {
                await context.resume();
            }
        } catch {
            stream.getTracks().forEach(t => t.stop());
            await this.releaseCapture();
            this.update({ phase: "interrupted", message: "This browser cannot record audio here. Use a current Chrome, Edge, Firefox or Safari.", severity: "error" });
            return this.state.phase;
        }
        this.lastTick = Date.now();
        this.keepAwake();
        this.update({ phase: "recording", message: null, severity: "info" });
        this.server("resume");
        return this.state.phase;
    }

    fromWorklet(message) {
        if (message.type === "pcm") {
            this.take(message.samples);
            this.update({ rms: message.rms, peak: message.peak, recordedSeconds: (this.baseSamples + this.samples) / sampleRate });
        } else if (message.type === "ack") {
            this.controls.get(message.id)?.();
            this.controls.delete(message.id);
        }
    }

    take(samples) {
        let offset = 0;
        while (offset < samples.length) {
            const n = Math.min(samples.length - offset, chunkSamples - this.buffered);
            const piece = samples.slice(offset, offset + n);
            storePiece(this.sessionId, this.nextSequence, this.buffered, piece);
            this.buffer.set(piece, this.buffered);
            this.buffered += n;
            offset += n;
            this.samples += n;
            if (this.buffered === chunkSamples) {
                this.cutChunk();
            }
        }
    }

    /** Cuts the buffered samples into the next chunk, stored before it is uploaded. */
    cutChunk() {
        if (this.buffered === 0) {
            return this.writes;
        }
        const samples = this.buffer.slice(0, this.buffered);
        const sequence = this.nextSequence++;
        this.buffered = 0;
        this.update({ nextSequence: this.nextSequence, waiting: this.state.waiting + 1 });
        this.pendingWrites++;
        this.writes = this.writes.then(() => storeChunk(this.sessionId, sequence, samples)).then(
            () => this.uploader.kick(),
            () => this.update({ message: "The browser's storage is full or unavailable: keep this page open so the audio can still be sent.", severity: "warning" }))
            .finally(() => this.pendingWrites--);
        return this.writes;
    }

    /** On leaving the page (reload, close): the buffered samples are stored in a transaction started and committed
     *  before the handler returns, because asynchronous work queued after pagehide may never run and the last few
     *  seconds would be lost. Falls back to cutChunk while an earlier write is still queued, so chunks stay in order. */
    cutChunkBeforeLeaving() {
        if (this.buffered === 0 || this.pendingWrites > 0 || !openedDatabase) {
            this.cutChunk();
            return;
        }
        const samples = this.buffer.slice(0, this.buffered);
        const sequence = this.nextSequence++;
        this.buffered = 0;
        try {
            const tx = openedDatabase.transaction([chunkStore, sessionStore, pieceStore], "readwrite");
            tx.objectStore(chunkStore).put({ sessionId: this.sessionId, sequence, wav: wav(samples), samples: samples.length });
            tx.objectStore(pieceStore).delete(pieceRange(this.sessionId, sequence));
            tx.objectStore(sessionStore).put({
                sessionId: this.sessionId,
                nextSequence: this.nextSequence,
                recordedSamples: this.baseSamples + this.samples,
                chunkCount: null,
                updatedAt: Date.now(),
            });
            tx.commit?.();
        } catch {
            // The database closed under us: the pieces already written are joined by the next page.
        }
    }

    /** Takes every sample the worklet holds (after which capture is on or off as asked). */
    control(capturing) {
        const node = this.capture?.node;
        if (!node) {
            return Promise.resolve();
        }
        const id = ++this.controlId;
        return new Promise(resolve => {
            this.controls.set(id, resolve);
            node.port.postMessage({ type: "capture", capturing, id });
            setTimeout(resolve, 2000);
        });
    }

    async pause() {
        if (this.state.phase !== "recording") {
            return;
        }
        await this.control(false);
        await this.cutChunk();
        this.update({ phase: "paused", rms: 0, peak: 0 });
        this.releaseWakeLock();
        this.server("pause");
    }

    async resume() {
        if (this.state.phase !== "paused") {
            return;
        }
        this.lastTick = Date.now();
        await this.control(true);
        this.update({ phase: "recording" });
        this.keepAwake();
        this.server("resume");
    }

    /** Ends the session: the last partial chunk is stored, then every waiting chunk is sent, then the stop request. */
    async stop() {
        if (this.state.phase === "stopping" || this.state.phase === "stopped" || this.state.phase === "refused") {
            return;
        }
        await this.control(false);
        await this.cutChunk();
        await this.releaseCapture();
        await updateSession(this.sessionId, { chunkCount: this.nextSequence });
        this.update({ phase: "stopping", rms: 0, peak: 0, message: null });
        this.releaseWakeLock();
        this.releaseTabLock();
        this.uploader.kick();
    }

    /** Server notified only; a failure changes nothing recorded. */
    server(action) {
        apiFetch(`/api/v1/sessions/${this.sessionId}/${action}`, { method: "POST" }).catch(() => { });
    }

    acknowledged(sequence) {
        this.update({ sent: this.state.sent + 1, waiting: Math.max(0, this.state.waiting - 1), uploadProblem: null, lastSent: sequence });
    }

    rejected(sequence, detail) {
        this.update({
            waiting: Math.max(0, this.state.waiting - 1),
            message: detail || "The server did not take part of the audio because the session was already stopped.",
            severity: "warning",
        });
    }

    /** The server will take no more audio (consent revoked, session gone): capture stops and says why. */
    async refused(message) {
        await this.control(false);
        this.buffered = 0;
        await this.releaseCapture();
        this.releaseWakeLock();
        this.releaseTabLock();
        this.update({ phase: "refused", message, severity: "error", uploadProblem: null, rms: 0, peak: 0 });
    }

    finished(detail) {
        this.update({ phase: "stopped", waiting: 0, uploadProblem: null, message: detail ?? "Session stopped. All the audio was sent.", severity: detail ? "warning" : "success" });
    }

    async microphoneLost() {
        if (!this.capture) {
            return;
        }
        await this.control(false);
        await this.cutChunk();
        await this.releaseCapture();
        this.releaseWakeLock();
        this.update({
            phase: "interrupted", rms: 0, peak: 0, severity: "error",
            message: "The microphone was disconnected. What was recorded is saved. Connect a microphone, choose it and press Continue.",
        });
    }

    contextChanged() {
        const context = this.capture?.context;
        if (!context || this.state.phase !== "recording") {
            return;
        }
        if (context.state === "suspended" || context.state === "interrupted") {
            this.update({ message: "The system paused the microphone (the computer may have gone to sleep). Recording continues as soon as it allows.", severity: "warning" });
            context.resume().catch(() => { });
        } else if (context.state === "running") {
            this.update({ message: null });
        }
    }

    checkClock() {
        const now = Date.now();
        const gap = now - this.lastTick;
        this.lastTick = now;
        if (gap > sleepGapMs && this.state.phase === "recording") {
            const minutes = Math.max(1, Math.round(gap / 60000));
            this.update({
                message: `The computer was asleep for about ${minutes} min; that time was not recorded. Recording continues.`,
                severity: "warning",
            });
            this.capture?.context.resume().catch(() => { });
        }
    }

    async keepAwake() {
        try {
            if (navigator.wakeLock && !this.wakeLock && document.visibilityState === "visible") {
                this.wakeLock = await navigator.wakeLock.request("screen");
                this.wakeLock.addEventListener("release", () => {
                    this.wakeLock = null;
                });
            }
        } catch {
            this.wakeLock = null;
        }
    }

    /** One recorder per session across this browser's tabs (Web Locks): a second tab would send other audio under the same numbers. */
    async holdTabLock() {
        if (this.tabLock || !navigator.locks?.request) {
            return true;
        }
        return await new Promise(resolve => {
            navigator.locks.request(lockName(this.sessionId), { ifAvailable: true }, lock => {
                if (!lock) {
                    resolve(false);
                    return undefined;
                }
                resolve(true);
                return new Promise(release => { this.tabLock = release; });
            }).catch(() => resolve(true));
        });
    }

    releaseTabLock() {
        this.tabLock?.();
        this.tabLock = null;
    }

    releaseWakeLock() {
        this.wakeLock?.release().catch(() => { });
        this.wakeLock = null;
    }

    async releaseCapture() {
        const capture = this.capture;
        this.capture = null;
        if (!capture) {
            return;
        }
        capture.stream.getTracks().forEach(t => t.stop());
        capture.node.port.onmessage = null;
        try {
            capture.source.disconnect();
            capture.node.disconnect();
            await capture.context.close();
        } catch {
            // Already closed.
        }
    }

    /** Leaves the page's listeners; what waits in IndexedDB stays for the next page. */
    async dispose() {
        clearInterval(this.tick);
        removeEventListener("online", this.onOnline);
        removeEventListener("offline", this.onOffline);
        removeEventListener("beforeunload", this.onBeforeUnload);
        removeEventListener("pagehide", this.onPageHide);
        document.removeEventListener("visibilitychange", this.onVisibility);
        if (this.capture) {
            await this.control(false);
            await this.cutChunk();
            await this.releaseCapture();
        }
        this.releaseWakeLock();
        this.releaseTabLock();
        this.uploader.close();
        this.listener = () => { };
    }
}

/** A recorder whose state goes to a Blazor component (OnRecorderState) at most once a second unless the phase,
 *  counts or messages change, and whose level goes straight to the meter element (never through the circuit). */
export function attach(dotnet, sessionId, meterId) {
    let last = null;
    let lastSent = 0;
    const recorder = new SessionRecorder(sessionId, state => {
        drawMeter(meterId, state);
        const summary = {
            phase: state.phase, recordedSeconds: Math.floor(state.recordedSeconds), sent: state.sent, waiting: state.waiting,
            online: state.online, uploadProblem: state.uploadProblem, message: state.message, severity: state.severity,
        };
        const key = JSON.stringify(summary);
        const now = Date.now();
        if (key === last) {
            return;
        }
        const onlyTime = last !== null && JSON.stringify({ ...JSON.parse(last), recordedSeconds: summary.recordedSeconds }) === key;
        if (onlyTime && now - lastSent < 900) {
            return;
        }
        last = key;
        lastSent = now;
        dotnet.invokeMethodAsync("OnRecorderState", summary).catch(() => { });
    });
    return recorder;
}

function drawMeter(meterId, state) {
    const meter = meterId ? document.getElementById(meterId) : null;
    if (!meter) {
        return;
    }
    // dBFS of the RMS mapped from -60..0 to 0..100.
    const db = state.rms > 0 ? 20 * Math.log10(state.rms) : -60;
    const value = Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100)));
    meter.setAttribute("aria-valuenow", String(value));
    meter.setAttribute("aria-valuetext", value < 5 ? "silent" : value < 40 ? "quiet" : value < 85 ? "good" : "loud");
    const bar = meter.firstElementChild;
    if (bar) {
        bar.style.width = `${value}%`;
    }
}
