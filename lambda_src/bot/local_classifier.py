"""The local intent classifier: pure Python, no network, built from versioned example utterances.

It is the fallback when Bedrock is off, slow or wrong, so it has to hold up on its own against
real callers: particles, free spacing, typos, honorifics, fillers and spoken style.

How it decides
--------------
1. **Canonical form.** The utterance is normalized (``bot.text.normalize``), lower-cased,
   common spelling slips are fixed ("되요" → "돼요", "주세여" → "주세요"), fillers ("음", "어",
   "저기", "그", "좀" ...) and punctuation are dropped and the spaces removed, so "주문 취소" and
   "주문취소" are the same text.
2. **Similarity to the examples.** Syllable 2/3-grams plus jamo 3-grams (for typos such as
   "헤주세요" for "해주세요") weighted by TF-IDF; the cosine similarity to the nearest examples of
   each intent (best match weighted 0.7, second best 0.3).
3. **Cue phrases.** A small lexicon of weighted cue patterns per intent (e.g. 환불/해지/취소 for
   cancel_request), combined as a noisy-OR. Cues generalize beyond the examples' wording.
4. **Content rules** (CONTENT.md): anger words make the utterance a complaint whatever its topic;
   a how-to or policy question about cancelling/returning is general_inquiry while a request to
   act is cancel_request; asking for a person is agent_request; a greeting or thanks followed by
   a real request is that request.

Confidence scale
----------------
The evidence for intent *i* is ``E_i = 0.5 * similarity_i + 0.5 * cues_i`` (0..1, after the
rules). The confidence is ``softmax(E / T)[top] * sigmoid((E_top - M) / W)``: the first factor
is low when two intents are close (ambiguous text), the second is low when nothing is close to
any intent (gibberish, out-of-domain text). With the tuned ``T``, ``M`` and ``W`` a clear
utterance scores above 0.9, which clears every threshold in ``INTENT_THRESHOLDS`` (the highest
is cancel_request's 0.9), while out-of-domain and ambiguous text stays below 0.7, the lowest.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.models import Classification
from bot.text import apply_rewrites, compile_rewrites, normalize
from contract import Intent

DEFAULT_EXAMPLES_PATH = Path(__file__).parent / "data" / "intent_examples.json"

# --- canonical form -------------------------------------------------------------------------------

# Whole tokens that carry no meaning in a call: hesitations, discourse markers, softeners.
_FILLER_TOKENS = frozenset(
    {
        "음", "어", "아", "에", "으", "흠", "엄", "저", "저기", "저기요", "그", "그니까",
        "그러니까", "있잖아요", "있잖아", "뭐", "막", "좀", "혹시", "네", "예", "넵", "아니", "진짜로",
    }
)  # fmt: skip
_FILLER_RUN_RE = re.compile(r"^(?:음|어|아|으|에|흠|엄)+[.~…]*$")
# Spelling slips callers (and speech-to-text) make, fixed before matching.
_SPELLING_FIXES = compile_rewrites(
    (
        # 주세여 → 주세요, 안녕하세용 → 안녕하세요 (only after verb endings: 여보세요, 사용 stay).
        (r"(?<=[세해어아게네돼되죠])[여용](?=$|[\s?!.~])", "요"),
        (r"되요", "돼요"),
        (r"되서", "돼서"),
        (r"않\s?[되돼]", "안 돼"),
        (r"안되", "안 돼"),
        (r"할께", "할게"),
        (r"결재", "결제"),
        (r"됬", "됐"),
        (r"어떻해|어떡게|어케", "어떻게"),
        (r"몇일", "며칠"),
        (r"아직도?\s?않", "아직 안"),
        (r"헤주", "해주"),
        (r"해줫", "해줬"),
        (r"어플", "앱"),
        (r"에요", "예요"),
        (r"구요", "고요"),
        (r"[ㅋㅎㅠㅜ]+", " "),
    )
)
_NON_WORD_RE = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ\s]")


def canonical_form(text: str) -> str:
    """Return the space-free canonical form used for matching (see the module docstring)."""
    lowered = apply_rewrites(normalize(text).lower(), _SPELLING_FIXES)
    tokens = _NON_WORD_RE.sub(" ", lowered).split()
    kept = [token for token in tokens if token not in _FILLER_TOKENS and not _FILLER_RUN_RE.match(token)]
    return "".join(kept)


# --- features -------------------------------------------------------------------------------------

_HANGUL_BASE, _HANGUL_LAST = 0xAC00, 0xD7A3
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# Vowels that sound alike are merged, so 애/에 and 왜/웨/외 slips cost nothing.
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅐㅕㅒㅗㅘㅚㅚㅛㅜㅝㅚㅟㅠㅡㅢㅣ"
_JONGSEONG = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_JAMO_WEIGHT = 0.5


def _jamo(text: str) -> str:
    out: list[str] = []
    for char in text:
        code = ord(char)
        if _HANGUL_BASE <= code <= _HANGUL_LAST:
            offset = code - _HANGUL_BASE
            out.append(_CHOSEONG[offset // 588])
            out.append(_JUNGSEONG[(offset % 588) // 28])
            out.append(_JONGSEONG[offset % 28])
        else:
            out.append(char)
    return "".join(out)


def ngram_features(compact: str) -> dict[str, float]:
    """Raw term frequencies: syllable 2/3-grams (with edge markers) and jamo 3-grams."""
    counts: dict[str, float] = {}
    padded = f"<{compact}>"
    for size in (2, 3):
        for start in range(len(padded) - size + 1):
            gram = padded[start : start + size]
            counts[gram] = counts.get(gram, 0.0) + 1.0
    jamo = _jamo(compact)
    for start in range(len(jamo) - 2):
        gram = "j" + jamo[start : start + 3]
        counts[gram] = counts.get(gram, 0.0) + _JAMO_WEIGHT
    return counts


# --- cue phrases and rules ------------------------------------------------------------------------

# Weighted cue patterns per intent, matched against the canonical (space-free) form.
_CUES: dict[Intent, tuple[tuple[str, float], ...]] = {
    Intent.GREETING: (
        (r"안녕하(세요|십니까|세|심)|안뇽|^안녕$", 0.8),
        (r"^(여보세요|여보쇼)|여보세요", 0.85),
        (r"반갑|반가워", 0.6),
        (r"^(하이|헬로|헬로우|hi|hello|ㅎㅇ)", 0.6),
        (r"좋은(아침|오후|저녁)", 0.7),
        (r"수고(하십니다|많으십니다|많으세요)", 0.6),
    ),
    Intent.GOODBYE: (
        (r"감사(합니다|해요|드립니다|드려요|했습니다)|고맙(습니다|어요|다)|고마워|땡큐|thank", 0.75),
        (r"수고(하세요|하셨습니다|하셨어요|하십시오)", 0.8),
        (r"안녕히(계세요|가세요|계십시오)|들어가(세요|볼게요)|바이바이", 0.85),
        (r"끊(을게|겠습니다|겠어요|어도|을께|습니다)", 0.85),
        (r"(다|이제)됐(습니다|어요)|됐습니다|이상입니다|그게다|그거면됐|해결됐|덕분에", 0.7),
        (
            r"(궁금한|물어볼|문의할)(거|것|게|건)?(없|다해결)|더(는)?없(어요|습니다)|(^|아니요)없(어요|습니다)",
            0.7,
        ),
        (r"좋은하루(보내|되세요|요)", 0.6),
        (r"(다른건|이제)괜찮", 0.6),
    ),
    Intent.PRODUCT_INQUIRY: (
        (r"가격|얼마(예요|죠|야|인가요|에팔|짜리)|할인가|최저가", 0.7),
        (r"재고|품절|재입고|입고|남았|남아있", 0.8),
        (
            r"사양|스펙|용량|무게|크기|사이즈|색상|색깔|(다른|무슨|어떤)색|소재|해상도|등급|성능|기능|호환|방수|배터리|흡입력|소음|원산지|정품",
            0.6,
        ),
        (r"신제품|신상품|출시|모델|제품|상품|팔아|파나요|판매하", 0.35),
        (r"차이(가|점)|종류|재질|가죽|하중|노이즈캔슬링", 0.5),
        (r"(사|구매하|구입하)려(고|는데)", 0.45),
        (r"추천", 0.2),
        (
            r"출시일|몇인용|옵션|어느정도|(검정|블랙|흰|화이트|빨간|파란)색|라지|미디엄|스몰|킬로짜리|인치|상세(정보|설명)|버전|편인가요|몇(키로|킬로|kg|평|인치|기가)",
            0.5,
        ),
        (
            r"노트북|냉장고|세탁기|건조기|에어컨|청소기|티비|tv|모니터|이어폰|스피커|태블릿|드라이기|밥솥|선풍기|가습기|공기청정기|운동화|셔츠|티셔츠|소파|가방|의자|세제",
            0.3,
        ),
    ),
    Intent.ORDER_INQUIRY: (
        (r"배송(조회|상태|현황|추적|예정일|출발|완료)|주문(상태|확인|내역|조회)|택배(조회|어디)", 0.85),
        (
            r"(주문|시킨|시켰|구매|주문하신)(한|했|거|것|물건|상품)?.{0,12}(언제|어디|안와|안왔|도착|발송|출고|출발|배송|받|오고|와요|기다려)",
            0.75,
        ),
        (r"(물건|택배|상품)(을|이|가)?.{0,10}(기다려|받으려면|받을수)", 0.5),
        (
            r"배송중|도착예정|어디(쯤|까지)왔|(물건|택배|배송)(이|가|은|는)?.{0,4}(어디|언제받|언제와)|주문(처리|진행)",
            0.7,
        ),
        (
            r"(택배|물건|상품|주문|배송).{0,6}(아직|안와|안왔|안오|도착|어디쯤|언제와|언제오|언제도착|언제받)",
            0.7,
        ),
        (r"송장|운송장|출고|발송(됐|되|했)", 0.7),
        (r"주문번호|ord\d", 0.6),
        (r"(주문|접수)(이|가)?(제대로|정상적으로)?(됐|들어갔|들어간)", 0.65),
        (r"감감무소식|못받았|안왔|아직도안와", 0.5),
    ),
    Intent.RESERVATION: (
        (r"예약", 0.85),
        (r"(방문|설치|상담|점검|수리|시공|출장).{0,6}(일정|날짜|시간)(을|를)?(잡|정하|예약|변경|바꾸)", 0.85),
        (r"(일정|날짜|시간)(을|를)?(좀)?(잡|정하)", 0.7),
        (r"방문(서비스|상담|점검|예약)|(와서|방문해서)(설치|점검|수리)", 0.6),
    ),
    Intent.CANCEL_REQUEST: (
        (r"취소|환불|반품|해지|탈퇴|철회|해약|반송|교환(신청|해|하고|할)", 0.6),
        (r"돌려(받|주)|없던걸로|끊어(주|줘)", 0.7),
    ),
    Intent.PAYMENT_INQUIRY: (
        (r"결제|청구|요금|승인|할부|입금|이체|빠져나", 0.45),
        (r"(돈|금액)이?(두번|두배|더|잘못)|(중복|이중|두번)(으로)?(결제|청구|승인|나갔|빠져)", 0.85),
        (r"할부.{0,8}(변경|바꾸|바꿀|바꿔)", 0.8),
        (
            r"(결제|청구|승인|요금)[가이은는도]?.{0,8}(두번|두배|오류|실패|안돼|안넘어|거절|이상|잘못|틀|달라|많이|반영|멈|대기|안되|올랐)",
            0.9,
        ),
        (
            r"(결제|자동이체|자동결제|등록|결제카드)?(수단|카드|계좌|카드정보)(를|을)?.{0,4}(변경|바꾸|바꿀|바꿔|수정)",
            0.85,
        ),
        (r"(카드|계좌|입금|이체|포인트|적립금|쿠폰|할인).{0,10}(반영|확인|차감|적용|빠지|빠졌|안넘어)", 0.6),
        (r"(모르는|이상한)(결제|금액|내역)|(결제|청구)(내역|금액)", 0.7),
    ),
    Intent.TECHNICAL_SUPPORT: (
        (r"앱|웹사이트|사이트|홈페이지|프로그램|페이지|계정|로그인|접속|업데이트|인증", 0.45),
        (
            r"오류|에러|버그|먹통|고장|튕|멈(춰|췄|추)|꺼져|안켜|안열|안들어와|작동|재생|물이새|깨져|하얗게|안눌려|안떠|안나와|안나요",
            0.7,
        ),
        (
            r"(연결|페어링|인식|충전|설치|인쇄|로그인|접속|업데이트|재생|인증).{0,4}(안돼|안되|실패|안와|오류|어떻게|방법)",
            0.85,
        ),
        (r"(사용|작동|연결|설정|초기화)(법|방법)|어떻게(써|사용|설정|연결|초기화|하는거)|사용하는방법", 0.7),
        (r"와이파이|블루투스|리모컨|화면|전원|충전|소리가|기기|기계|프린터|온도|물이새", 0.45),
    ),
    Intent.COMPLAINT: (
        (r"불친절|무례|불쾌|태도|성의(가)?없|응대가", 0.85),
        (r"어이(가)?없|황당|엉망|형편없|답답|너무하|장난하|사기|기분(이)?나쁘|미치겠|못참|곤란하", 0.8),
        (r"항의|컴플레인|클레임|신고|소비자원|책임자|사과(받|하세요|해)", 0.8),
        (r"몇번을|몇번째|도대체|말이돼|다시는|처음이예요|가만안", 0.55),
        (r"째안|째해결|째연락", 0.5),
    ),
    Intent.AGENT_REQUEST: (
        (r"상담원|상담사|직원|담당자|매니저|사람", 0.45),
        (
            r"(상담원|상담사|직원|담당자|담당직원|매니저|사람|사람상담원)(분|님)?(이랑|하고|과|와|한테|에게|을|를|좀)?"
            r"(연결|바꿔|통화|직접|얘기|이야기|말하|말할|대화|불러|있어|계세)",
            0.95,
        ),
        (r"^(상담원|상담사|사람|직원)(분|님)?(이요|요|좀요|좀)?$|상담원(이요|요|좀요|연결)", 0.95),
        (r"(기계|로봇|ars|ai|자동응답|기계음)(말고|아니고|대신)", 0.8),
        (r"(진짜|실제)(사람|상담원)|사람목소리", 0.8),
    ),
    Intent.GENERAL_INQUIRY: (
        (
            r"영업시간|운영시간|영업해|운영해|몇시(까지|부터|에)|문(닫|여)|휴무|주말(에도)?|공휴일|토요일(에)?도",
            0.8,
        ),
        (r"전화번호|연락처|번호가(뭐|몇)|고객센터번호|위치|주소", 0.6),
        (
            r"배송(기간|비)|며칠(걸|안에|만에|이나걸)|(배송|반품|환불|교환|취소).{0,4}며칠|얼마나(걸|돼)|당일배송",
            0.75,
        ),
        (
            r"결제(방법|수단)?(은|는)?(뭐|어떤|무엇)|(카드|카카오페이|네이버페이|무통장입금|계좌이체|체크카드|신용카드).{0,6}(돼요|되나요|가능)",
            0.7,
        ),
        (
            r"영수증|회원가입|비회원|혜택|비밀번호(를)?(잊|까먹|찾|분실|재설정)|적립금|정책|규정|수수료|절차",
            0.7,
        ),
        (r"(어떻게|방법|언제까지|기간|누가|가능한가요|되나요|돼요\?|할수있나요|궁금)", 0.35),
        (r"(교환|반품|환불|취소|해지)(비용|기간|정책|규정|절차|방법|수수료|배송비)", 0.8),
        (r"누가(내|부담)|무료인가", 0.7),
    ),
}

_ANGER_RE = re.compile(
    r"(?<![전영대통동만])화(가|나|났|내|날|딱)|짜증|최악|불만|열받|열불|실망|빡치|빡쳐|개판|거지같"
)
# Topics of a cancel-type action, the signs of a request to act, and of a policy question.
_ACTION_TOPIC_RE = re.compile(r"취소|환불|반품|해지|탈퇴|교환|철회|해약")
# A request to act on the topic: the verb follows the topic directly ("취소해 주세요",
# "환불받고 싶어요", "반품 신청할게요"), unlike "취소 방법 알려주세요" or "취소하려면 어떻게 해요".
_ACT_NOW_RE = re.compile(
    r"(취소|환불|반품|해지|탈퇴|교환|철회|해약)[을를좀]?(처리|진행|신청|요청|접수)?[을를좀]?"
    r"(해|하|할|받|시켜)?(주|줘|드리|드려|드립|게|께|고싶|싶|겠|래|려(?!면)|부탁|합니다|해야)"
)
_POLICY_QUESTION_RE = re.compile(
    r"어떻게|방법|언제까지|며칠|기간|절차|규정|정책|수수료|비용|배송비|누가|부담|가능한가|가능해요|가능할까|"
    r"되나요|돼요$|할수있나|할수있어|하려면|되는지|궁금|무료"
)
_PAYMENT_METHOD_QUESTION_RE = re.compile(
    r"(결제(방법|수단)?|카드|체크카드|신용카드|카카오페이|네이버페이|무통장입금|계좌이체|페이)"
    r"(은|는|로|으로|도)?.{0,6}(돼요|되나요|가능|뭐|어떤|무엇|할수있)"
)
_PAYMENT_PROBLEM_RE = re.compile(
    r"안돼|안되|오류|에러|실패|두번|이중|중복|거절|이상|잘못|변경|바꾸|바꿀|빠져|청구|승인|반영|했는데|됐는데"
)
_AGENT_CUE_INDEX = 1  # the strong "ask for a person" cue of _CUES[AGENT_REQUEST]

_SIMILARITY_WEIGHT = 0.5
_CUE_WEIGHT = 0.5
#: Softmax temperature, coverage midpoint and width of the confidence scale (module docstring).
TEMPERATURE = 0.05
COVERAGE_MIDPOINT = 0.24
COVERAGE_WIDTH = 0.03


@dataclass(frozen=True, slots=True)
class _Example:
    intent: Intent
    vector: dict[str, float]
    text: str


@dataclass(frozen=True, slots=True)
class LocalAssessment:
    """One utterance as the local classifier sees it: its answer and how clear that answer is.

    ``margin`` is the evidence of the answer minus that of the runner-up (0 when nothing matched);
    ``top_evidence`` is the answer's evidence, low when the text is close to no intent at all.
    Whether that is sure enough to skip Bedrock is ``bot.local_confidence``'s rule.
    """

    classification: Classification
    runner_up: Intent
    margin: float
    top_evidence: float


class LocalClassifier:
    """Intent classifier from example utterances; see the module docstring for the method."""

    def __init__(self, examples: Mapping[Intent, Sequence[str]], *, version: str = "") -> None:
        """Build the classifier from example utterances per intent (all 11 intents needed)."""
        missing = set(Intent) - set(examples)
        if missing:
            raise ValueError(f"examples missing for intents: {sorted(missing)}")
        self.version = version
        raw: list[tuple[Intent, dict[str, float], str]] = []
        for intent, utterances in examples.items():
            for utterance in utterances:
                compact = canonical_form(utterance)
                if compact:
                    raw.append((intent, ngram_features(compact), utterance))
        document_frequency: dict[str, int] = {}
        for _, counts, _ in raw:
            for gram in counts:
                document_frequency[gram] = document_frequency.get(gram, 0) + 1
        total = len(raw)
        self._idf = {gram: math.log((total + 1) / (df + 1)) + 1.0 for gram, df in document_frequency.items()}
        self._default_idf = math.log(total + 1) + 1.0
        self._examples = [_Example(intent, self._weigh(counts), text) for intent, counts, text in raw]
        # Inverted index: gram → [(example index, weight)], so a query touches only its grams.
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, example in enumerate(self._examples):
            for gram, weight in example.vector.items():
                self._postings.setdefault(gram, []).append((index, weight))
        self._cues = {
            intent: tuple((re.compile(pattern), weight) for pattern, weight in cues)
            for intent, cues in _CUES.items()
        }

    @classmethod
    def from_examples(cls, path: str | Path = DEFAULT_EXAMPLES_PATH) -> LocalClassifier:
        """Build from a JSON file ``{"version": ..., "intents": {intent: [utterance, ...]}}``."""
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        examples = {Intent(name): list(utterances) for name, utterances in document["intents"].items()}
        return cls(examples, version=str(document.get("version", "")))

    def _weigh(self, counts: Mapping[str, float]) -> dict[str, float]:
        weighted = {
            gram: (1.0 + math.log(count) if count >= 1 else count) * self._idf.get(gram, self._default_idf)
            for gram, count in counts.items()
        }
        norm = math.sqrt(sum(value * value for value in weighted.values())) or 1.0
        return {gram: value / norm for gram, value in weighted.items()}

    def _similarities(self, compact: str, exclude: int | None = None) -> dict[Intent, float]:
        query = self._weigh(ngram_features(compact))
        dot: dict[int, float] = {}
        for gram, weight in query.items():
            for index, example_weight in self._postings.get(gram, ()):
                dot[index] = dot.get(index, 0.0) + weight * example_weight
        if exclude is not None:
            dot.pop(exclude, None)
        best: dict[Intent, list[float]] = {intent: [0.0, 0.0] for intent in Intent}
        for index, similarity in dot.items():
            top = best[self._examples[index].intent]
            if similarity > top[0]:
                top[0], top[1] = similarity, top[0]
            elif similarity > top[1]:
                top[1] = similarity
        return {intent: 0.7 * top[0] + 0.3 * top[1] for intent, top in best.items()}

    def _cue_scores(self, compact: str) -> dict[Intent, float]:
        scores: dict[Intent, float] = {}
        for intent, cues in self._cues.items():
            miss = 1.0
            for pattern, weight in cues:
                if pattern.search(compact):
                    miss *= 1.0 - weight
            scores[intent] = 1.0 - miss
        return scores

    def evidence(self, text: str) -> dict[Intent, float]:
        """Per-intent evidence in 0..1 after the content rules (exposed for diagnostics)."""
        return self._evidence(canonical_form(text))

    def _evidence(self, compact: str, exclude: int | None = None) -> dict[Intent, float]:
        if not compact:
            return dict.fromkeys(Intent, 0.0)
        similarity = self._similarities(compact, exclude)
        cues = self._cue_scores(compact)
        evidence = {
            intent: _SIMILARITY_WEIGHT * similarity[intent] + _CUE_WEIGHT * cues[intent] for intent in Intent
        }
        self._apply_rules(compact, evidence)
        return evidence

    def _apply_rules(self, compact: str, evidence: dict[Intent, float]) -> None:
        # Anger outranks the topic (CONTENT.md): a negative keyword makes it a complaint.
        if _ANGER_RE.search(compact):
            evidence[Intent.COMPLAINT] = max(evidence[Intent.COMPLAINT], 0.5) + 0.5
            return
        # Asking for a person is agent_request, whatever else is mentioned.
        if self._cues[Intent.AGENT_REQUEST][_AGENT_CUE_INDEX][0].search(compact):
            evidence[Intent.AGENT_REQUEST] = max(evidence[Intent.AGENT_REQUEST], 0.5) + 0.45
        # Cancel/refund/return: a request to act vs a how-to or policy question.
        if _ACTION_TOPIC_RE.search(compact):
            if _ACT_NOW_RE.search(compact):
                evidence[Intent.CANCEL_REQUEST] += 0.35
                evidence[Intent.GENERAL_INQUIRY] *= 0.6
            elif _POLICY_QUESTION_RE.search(compact):
                evidence[Intent.GENERAL_INQUIRY] += 0.35
                evidence[Intent.CANCEL_REQUEST] *= 0.5
        # "카드 결제 돼요?" asks which payment methods exist (FAQ); a payment *problem* does not.
        elif _PAYMENT_METHOD_QUESTION_RE.search(compact) and not _PAYMENT_PROBLEM_RE.search(compact):
            evidence[Intent.GENERAL_INQUIRY] += 0.2
            evidence[Intent.PAYMENT_INQUIRY] *= 0.6
        # A greeting or thanks in front of a real request: the request is what the caller wants.
        social = max(evidence[Intent.GREETING], evidence[Intent.GOODBYE])
        business = max(
            value for intent, value in evidence.items() if intent not in (Intent.GREETING, Intent.GOODBYE)
        )
        if business >= 0.45 and business > 0.6 * social:
            evidence[Intent.GREETING] *= 0.5
            evidence[Intent.GOODBYE] *= 0.5

    def classify(self, text: str) -> Classification:
        """Classify one utterance; the confidence follows the scale in the module docstring."""
        return self.assess(text).classification

    def assess(self, text: str) -> LocalAssessment:
        """Classify one utterance and say how clear the answer is (runner-up, margin, evidence)."""
        return _assessment(self._evidence(canonical_form(text)))

    def leave_one_out(self) -> list[tuple[Intent, str, LocalAssessment]]:
        """Each training example assessed as if it were not among the examples: ``(label, text, assessment)``.

        The example itself is left out of the nearest-example similarity (the document
        frequencies keep it: a negligible difference). This estimates how the classifier does on
        new utterances from the training examples alone, which is what ``bot.local_confidence``
        tunes its margins on; held-out test utterances never take part.
        """
        return [
            (example.intent, example.text, _assessment(self._evidence(canonical_form(example.text), index)))
            for index, example in enumerate(self._examples)
        ]


def _assessment(evidence: Mapping[Intent, float]) -> LocalAssessment:
    ranked = sorted(evidence, key=lambda intent: evidence[intent], reverse=True)
    top_intent, runner_up = ranked[0], ranked[1]
    top = evidence[top_intent]
    if top <= 0.0:
        return LocalAssessment(Classification(Intent.GENERAL_INQUIRY, 0.0, "local"), runner_up, 0.0, 0.0)
    exponentials = {intent: math.exp((value - top) / TEMPERATURE) for intent, value in evidence.items()}
    share = 1.0 / sum(exponentials.values())
    coverage = 1.0 / (1.0 + math.exp(-(top - COVERAGE_MIDPOINT) / COVERAGE_WIDTH))
    return LocalAssessment(
        Classification(top_intent, round(share * coverage, 4), "local"),
        runner_up,
        round(top - evidence[runner_up], 4),
        round(top, 4),
    )


@lru_cache(maxsize=1)
def default_classifier() -> LocalClassifier:
    """The classifier built from the repository's example file, once per process."""
    return LocalClassifier.from_examples(DEFAULT_EXAMPLES_PATH)
