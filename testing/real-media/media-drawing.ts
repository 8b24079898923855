/**
 * The page side of a real-media folder (write-media.ts): plain JS in a string, run in Chromium on
 * a blank page (tsx would wrap named functions in a helper, `__name`, that the page does not have;
 * see bench/browser.ts). It defines `window.__media` with:
 * - `photo(spec)`: a PhotoSpec (media-plan.ts) drawn on an OffscreenCanvas (a gradient,
 *   soft shapes, and seeded noise, so a JPEG is the size of a photo, not of a flat picture; a
 *   PNG is a screenshot: flat panels and text) and encoded by `convertToBlob`, as base64;
 * - `videoType()`: the first MP4 type MediaRecorder records and a <video> here plays, or null;
 * - `video(spec, type)`: a VideoSpec of moving shapes recorded by MediaRecorder from a canvas
 *   stream (real time: a 3 s video takes 3 s), as base64;
 * - `rng(seed)`: the PRNG every drawing draws from.
 * The PRNG is testing/seeded-random.ts's, the plan's (media-plan.ts), put in as its own source: a
 * function without names inside, so tsx's `__name` has nothing to wrap there (media-drawing.test.ts
 * runs the script to check).
 */
import { seededRandom } from "../seeded-random";

export const MEDIA_DRAWING_SCRIPT = `(() => {
  const rng = ${seededRandom.toString()};
  const colour = (r, alpha = 1) => "rgba(" + Math.floor(r() * 256) + "," + Math.floor(r() * 256) + "," + Math.floor(r() * 256) + "," + alpha + ")";
  const base64 = (blob) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  const scene = (ctx, w, h, r, shapes) => {
    const sky = ctx.createLinearGradient(0, 0, w * r(), h);
    sky.addColorStop(0, colour(r));
    sky.addColorStop(0.4 + r() * 0.3, colour(r));
    sky.addColorStop(1, colour(r));
    ctx.fillStyle = sky;
    ctx.fillRect(0, 0, w, h);
    const unit = Math.min(w, h);
    for (let i = 0; i < shapes; i++) {
      const x = r() * w, y = r() * h, size = unit * (0.03 + r() * 0.3);
      const glow = ctx.createRadialGradient(x, y, 0, x, y, size);
      glow.addColorStop(0, colour(r, 0.4 + r() * 0.6));
      glow.addColorStop(1, colour(r, 0));
      ctx.fillStyle = glow;
      ctx.beginPath();
      if (r() < 0.6) ctx.ellipse(x, y, size, size * (0.3 + r()), r() * Math.PI, 0, Math.PI * 2);
      else ctx.rect(x - size, y - size / 2, size * 2, size);
      ctx.fill();
    }
  };
  const screenshot = (ctx, w, h, r) => {
    ctx.fillStyle = colour(r);
    ctx.fillRect(0, 0, w, h);
    for (let i = 0; i < 10; i++) {
      ctx.fillStyle = colour(r);
      ctx.fillRect(r() * w, r() * h, (r() * w) / 2, (r() * h) / 4);
    }
    const x = r() * w * 0.5, y = r() * h * 0.5;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w * 0.4, h * 0.3);
    ctx.clip();
    ctx.translate(x, y);
    scene(ctx, w * 0.4, h * 0.3, r, 12);
    ctx.restore();
    const line = Math.max(12, Math.round(h / 50));
    ctx.font = line + "px sans-serif";
    ctx.fillStyle = "rgba(20,20,20,0.9)";
    for (let top = line * 2; top < h; top += line * 1.6) {
      let text = "";
      for (let i = 0, n = 20 + Math.floor(r() * 60); i < n; i++) text += r() < 0.18 ? " " : String.fromCharCode(97 + Math.floor(r() * 26));
      ctx.fillText(text, w * 0.04, top);
    }
  };
  const noise = (ctx, w, h, r, amount) => {
    if (amount <= 0) return;
    const tile = new OffscreenCanvas(256, 256);
    const tileContext = tile.getContext("2d");
    const pixels = tileContext.createImageData(256, 256);
    const words = new Uint32Array(pixels.data.buffer);
    for (let i = 0; i < words.length; i++) words[i] = (Math.floor(r() * 4294967296) | 0xff000000) >>> 0;
    tileContext.putImageData(pixels, 0, 0);
    ctx.save();
    ctx.globalAlpha = amount / 128;
    ctx.fillStyle = ctx.createPattern(tile, "repeat");
    ctx.fillRect(0, 0, w, h);
    ctx.restore();
  };
  const MP4_TYPES = ["video/mp4;codecs=avc1.42E01F", "video/mp4;codecs=avc1", "video/mp4;codecs=vp9", "video/mp4;codecs=av01", "video/mp4"];
  window.__media = {
    rng,
    photo: async (spec) => {
      const r = rng(spec.seed);
      const canvas = new OffscreenCanvas(spec.width, spec.height);
      const ctx = canvas.getContext("2d");
      if (spec.type === "image/png") screenshot(ctx, spec.width, spec.height, r);
      else scene(ctx, spec.width, spec.height, r, 16 + Math.floor(r() * 24));
      noise(ctx, spec.width, spec.height, r, spec.noise);
      return base64(await canvas.convertToBlob({ type: spec.type, quality: spec.quality }));
    },
    videoType: () => {
      const video = document.createElement("video");
      return MP4_TYPES.find((type) => MediaRecorder.isTypeSupported(type) && video.canPlayType(type) !== "") ?? null;
    },
    video: async (spec, type) => {
      const r = rng(spec.seed);
      const canvas = document.createElement("canvas");
      canvas.width = spec.width;
      canvas.height = spec.height;
      document.body.append(canvas);
      const ctx = canvas.getContext("2d");
      const backdrop = [colour(r), colour(r)];
      const balls = Array.from({ length: 16 }, () => ({ x: r() * spec.width, y: r() * spec.height, dx: (r() - 0.5) * 24, dy: (r() - 0.5) * 24, size: 20 + r() * 90, fill: colour(r, 0.8) }));
      let frame = 0;
      const draw = () => {
        const sky = ctx.createLinearGradient(0, 0, spec.width, spec.height);
        sky.addColorStop(0, backdrop[0]);
        sky.addColorStop((frame % 90) / 90, backdrop[1]);
        sky.addColorStop(1, backdrop[0]);
        ctx.fillStyle = sky;
        ctx.fillRect(0, 0, spec.width, spec.height);
        for (const ball of balls) {
          ball.x = (ball.x + ball.dx + spec.width) % spec.width;
          ball.y = (ball.y + ball.dy + spec.height) % spec.height;
          ctx.fillStyle = ball.fill;
          ctx.beginPath();
          ctx.arc(ball.x, ball.y, ball.size, 0, Math.PI * 2);
          ctx.fill();
        }
        ctx.fillStyle = "white";
        ctx.font = "48px sans-serif";
        ctx.fillText("frame " + frame, 40, 80);
        frame++;
      };
      draw();
      const stream = canvas.captureStream(30);
      const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4000000 });
      const chunks = [];
      recorder.ondataavailable = (event) => {
        if (event.data.size > 0) chunks.push(event.data);
      };
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start(1000);
      const timer = setInterval(draw, 1000 / 30);
      await new Promise((resolve) => setTimeout(resolve, spec.seconds * 1000));
      recorder.stop();
      clearInterval(timer);
      await stopped;
      for (const track of stream.getTracks()) track.stop();
      canvas.remove();
      return base64(new Blob(chunks, { type }));
    },
  };
})()`;
