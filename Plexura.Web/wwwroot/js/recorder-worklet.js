// AudioWorklet processor of recorder.js: mixes the microphone to mono, low-pass filters it, resamples it to 16 kHz and
// converts it to signed 16-bit samples. It posts a batch of about 100 ms at a time, each with the input level of that
// batch, and answers control messages in order, so the page knows that every sample taken before a pause, a flush or a
// stop has reached it. Samples that arrive while capture is off are dropped: paused time is not recorded.

const targetRate = 16000;
const batchSamples = 1600;

/** A windowed-sinc low-pass (Blackman) below the new Nyquist frequency, so resampling does not alias. */
function lowPass(inputRate) {
    if (inputRate <= targetRate) {
        return Float32Array.of(1);
    }
    const cutoff = (0.45 * targetRate) / inputRate;
    const taps = 63;
    const middle = (taps - 1) / 2;
    const h = new Float32Array(taps);
    let sum = 0;
    for (let i = 0; i < taps; i++) {
        const x = i - middle;
        const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
        const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
        h[i] = sinc * window;
        sum += h[i];
    }
    for (let i = 0; i < taps; i++) {
        h[i] /= sum;
    }
    return h;
}

class PlexuraCaptureProcessor extends AudioWorkletProcessor {
    constructor() {
        super();
        this.step = sampleRate / targetRate;
        this.filter = lowPass(sampleRate);
        this.history = new Float32Array(this.filter.length * 2);
        this.historyAt = 0;
        this.previous = 0;
        this.position = 1;
        this.capturing = true;
        this.batch = new Int16Array(batchSamples);
        this.batchLength = 0;
        this.sumSquares = 0;
        this.levelSamples = 0;
        this.peak = 0;
        this.port.onmessage = event => this.control(event.data);
    }

    control(message) {
        if (message.type === "capture") {
            this.capturing = message.capturing;
        }
        this.post();
        this.port.postMessage({ type: "ack", id: message.id });
    }

    post() {
        if (this.batchLength === 0 && this.levelSamples === 0) {
            return;
        }
        const samples = this.batch.slice(0, this.batchLength);
        const rms = this.levelSamples > 0 ? Math.sqrt(this.sumSquares / this.levelSamples) : 0;
        this.port.postMessage({ type: "pcm", samples, rms, peak: this.peak }, [samples.buffer]);
        this.batchLength = 0;
        this.sumSquares = 0;
        this.levelSamples = 0;
        this.peak = 0;
    }

    filtered(x) {
        // A doubled ring buffer keeps the last taps contiguous without a modulo per tap.
        const n = this.filter.length;
        this.history[this.historyAt] = x;
        this.history[this.historyAt + n] = x;
        this.historyAt = (this.historyAt + 1) % n;
        let y = 0;
        for (let i = 0; i < n; i++) {
            y += this.filter[i] * this.history[this.historyAt + i];
        }
        return y;
    }

    emit(value) {
        const clamped = Math.max(-1, Math.min(1, value));
        this.batch[this.batchLength++] = Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
        if (this.batchLength === batchSamples) {
            this.post();
        }
    }

    process(inputs) {
        const input = inputs[0];
        if (!this.capturing || !input || input.length === 0) {
            return true;
        }
        const frames = input[0].length;
        const channels = input.length;
        for (let i = 0; i < frames; i++) {
            let x = 0;
            for (let c = 0; c < channels; c++) {
                x += input[c][i];
            }
            x /= channels;
            const magnitude = Math.abs(x);
            this.sumSquares += x * x;
            this.levelSamples++;
            if (magnitude > this.peak) {
                this.peak = magnitude;
            }

            // Output samples fall at positions (0, 1] between the previous filtered sample and this one.
            const y = this.filtered(x);
            while (this.position <= 1) {
                this.emit(this.previous + (y - this.previous) * this.position);
                this.position += this.step;
            }
            this.position -= 1;
            this.previous = y;
        }
        return true;
    }
}

registerProcessor("plexura-capture", PlexuraCaptureProcessor);
