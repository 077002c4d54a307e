// Entry point of `npm run models`: converts face-api's tfjs weights to ONNX in models/.
import { convertModels } from './convert';

try {
  convertModels({ log: (line) => console.log(line) });
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
