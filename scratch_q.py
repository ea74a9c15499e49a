import json, numpy as np
from pycocotools.coco import COCO
from PIL import Image
from segmentation.registry import build_segmenter
from tests.segmentation.conftest import iou
coco = COCO('../shared/photos/instances.json')
cats = {c['id']: c['name'] for c in coco.loadCats(coco.getCatIds())}
for f in ['../shared/models/yolo11n-seg_int8.tflite','../shared/models/yolov8n-seg_int8_320.onnx']:
    s = build_segmenter('yolo_seg', weights_path=f, device='cpu', torch_threads=1)
    ious=[]
    for img in coco.loadImgs(coco.getImgIds()):
        r = s.segment_file('../shared/photos/'+img['file_name'])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=img['id']))
        for i in np.flatnonzero(r.scores >= 0.5):
            same = [a for a in anns if cats[a['category_id']] == r.labels[i]]
            if not same:
                print('ERR no class', img['file_name'], r.labels[i], r.scores[i]); continue
            gt = np.array([[a['bbox'][0],a['bbox'][1],a['bbox'][0]+a['bbox'][2],a['bbox'][1]+a['bbox'][3]] for a in same])
            ov = iou(r.boxes[i:i+1], gt)[0]
            j = int(ov.argmax())
            if ov[j] < 0.5:
                print('ERR box', img['file_name'], r.labels[i], r.scores[i], ov[j]); continue
            gm = coco.annToMask(same[j]).astype(bool)
            pm = np.asarray(Image.fromarray(r.masks[i]).resize((img['width'], img['height']), Image.Resampling.NEAREST))
            mi = (gm & pm).sum() / max((gm | pm).sum(), 1)
            ious.append(mi)
    print(f, len(ious), np.mean(ious), np.min(ious))
