"""Deterministic synthetic papers for benchmarks (never for tests' expected values).

Word frequencies follow Zipf's law over a large ranked vocabulary: the most common
ranks are real English and research words, the long tail is generated technical
terms. Sampling from a Zipfian distribution makes the number of distinct words grow
sublinearly with the corpus (Heaps' law), as in real collections, so a 100k corpus
has a much bigger vocabulary than a 1k one. Paper `i` depends only on (seed, i), so
the 1k corpus is a prefix of the 10k one and sizes are comparable.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left
from collections.abc import Iterator

from readinglist.domain import PaperDraft, Person


def _split(words: str) -> list[str]:
    return words.split()


# Ranked by rough frequency in abstracts: function words first, then research words.
_COMMON = _split("""the of and a to in we is for that on with this by as are an our be from which
it can these results show method using model based paper propose approach data performance
learning two new use both also than more such between have has not or its via into their
each while however when one only over most where under without across large small high low
first further existing different state art proposed methods models task tasks training
network networks neural deep language image images text video generation generative
transformer transformers attention diffusion representation representations framework
problem problems analysis study time information system systems algorithm algorithms set
sets function functions space structure structures experiments experimental evaluation
benchmark benchmarks dataset datasets accuracy efficient efficiency novel significant
improve improves improved improvement demonstrate demonstrates simple general specific
multiple single training inference scale scaling parameters parameter optimization
objective loss supervised unsupervised self semi reinforcement policy agent agents reward
graph graphs node nodes edge edges prediction predictions classification regression
detection segmentation recognition retrieval translation reasoning knowledge pretrained
pretraining fine tuning zero shot few prompt prompts large scale vision visual audio speech
multimodal modality modalities encoder decoder latent sampling samples noise denoising
score gradient gradients stochastic convergence theoretical bound bounds linear nonlinear
convex robust robustness adversarial privacy federated distributed parallel memory compute
hardware quantization pruning distillation sparse dense token tokens sequence sequences
context window length long short term level layer layers head heads embedding embeddings
feature features contrastive alignment human feedback preference instruction chain thought
evaluation metric metrics quality fidelity realistic synthesis editing control conditional
unconditional autoregressive masked mixture experts routing efficient lightweight mobile
real world applications application domain domains transfer adaptation generalization
out distribution uncertainty calibration causal inference bayesian probabilistic
variational estimation estimator kernel spectral matrix tensor rank low dimensional
manifold geometry geometric equivariant invariant physics simulation molecular protein
biology medical clinical health patient code program programs software verification
naïve café Schrödinger résumé façade coöperative""")

_ONSETS = _split(
    "b c d f g h k l m n p qu r s t v z br cr dr gr kr pr tr st sp sk pl cl fl ch th sh"
)
_VOWELS = _split("a e i o u ai ea io ou y")
_CODAS = [""] * 6 + _split("n r s t l m x nd nt rt st")
_SUFFIXES = [""] * 8 + _split("ation ization izer former ology ic al ity ness ing ed ive")

_GIVEN = _split("""Wei Li Ming Anna Maria José Jürgen Zoë Ahmed Fatima Yuki Hiroshi Olga Ivan
Pierre Élodie Søren Ana João Chen Priya Rahul Sara Tomás Nikolai Lena David Emily
Kwame Amara Lucía Mateo Ingrid Björn Mei Jun Sung Hye Omar Leila Noah Ava""")
_FAMILY = _split("""Wang Zhang Liu Chen Smith Müller García Martínez Kowalski Nguyen Kim Park
Tanaka Sato Ivanov Rossi Dubois Johansson Ødegaard Silva Santos Gupta Sharma Patel
Cohen Levi Okafor Mensah Fernández López Schmidt Weber Novák Horváth Yilmaz Haddad
Brown Johnson Williams Jones Taylor Anderson Thomas Moore Martin Lee""")
_VENUES = _split("""NeurIPS ICML ICLR CVPR ICCV ECCV ACL EMNLP NAACL AAAI IJCAI KDD SIGIR WWW
TPAMI JMLR Nature Science arXiv TACL COLING UAI AISTATS COLT""")
_TAGS = [
    "to-read",
    "diffusion",
    "llm",
    "vision",
    "survey",
    "theory",
    "reinforcement learning",
    "graph",
    "speech",
    "benchmark",
    "important",
    "reproduce",
    "related work",
    "thesis",
    "optimization",
    "multimodal",
]

VOCABULARY_SIZE = 400_000
ZIPF_EXPONENT = 1.25


def _generated_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    words: list[str] = []
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        word += rng.choice(_SUFFIXES)
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def _vocabulary(seed: int) -> tuple[list[str], list[float]]:
    rng = random.Random(seed)
    common = list(dict.fromkeys(_COMMON))
    taken = set(common)
    words = common + _generated_words(rng, VOCABULARY_SIZE - len(common), taken)
    cum = list(itertools.accumulate(1.0 / (r**ZIPF_EXPONENT) for r in range(1, len(words) + 1)))
    return words, cum


class CorpusGenerator:
    """Papers 0..n-1 of one deterministic stream; build once, draw many sizes."""

    def __init__(self, seed: int = 42) -> None:
        self.seed = seed
        self.words, self._cum = _vocabulary(seed)
        self._total = self._cum[-1]

    def _words(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self._cum, k=k)

    def _title_words(self, rng: random.Random, k: int) -> list[str]:
        # Titles skip the most common function words but keep Zipfian content words.
        lo = bisect_left(self._cum, self._cum[40])
        out: list[str] = []
        while len(out) < k:
            x = rng.uniform(self._cum[lo], self._total)
            out.append(self.words[bisect_left(self._cum, x)])
        return out

    def paper(self, i: int) -> PaperDraft:
        rng = random.Random(self.seed * 1_000_003 + i)
        title_words = self._title_words(rng, rng.randint(6, 12))
        title = " ".join(title_words).capitalize()
        sentences: list[str] = []
        remaining = rng.randint(150, 250)
        while remaining > 0:
            n = min(remaining, rng.randint(12, 30))
            sentences.append(" ".join(self._words(rng, n)).capitalize() + ".")
            remaining -= n
        # Abstracts often repeat title words: that is what makes title boosts matter.
        if rng.random() < 0.7:
            sentences.insert(rng.randint(0, len(sentences)), " ".join(title_words[:4]) + ".")
        authors = tuple(
            Person(family=rng.choice(_FAMILY), given=rng.choice(_GIVEN))
            for _ in range(rng.randint(1, 8))
        )
        tags = tuple(sorted(set(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2, 3))))))
        note = " ".join(self._words(rng, rng.randint(5, 40))) if rng.random() < 0.15 else ""
        return PaperDraft(
            title=title,
            abstract=" ".join(sentences),
            authors=authors,
            year=rng.randint(1990, 2025),
            venue=rng.choice(_VENUES),
            tags=tags,
            note=note,
            arxiv_id=f"{rng.randint(15, 25):02d}{rng.randint(1, 12):02d}.{i % 100000:05d}",
        )

    def papers(self, n: int) -> Iterator[PaperDraft]:
        for i in range(n):
            yield self.paper(i)


def status_for(i: int) -> str:
    """A deterministic reading status: most papers unread, as in a real list."""
    return ("unread", "unread", "unread", "reading", "read")[i % 5]


if __name__ == "__main__":
    import sys

    gen = CorpusGenerator()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    vocab: set[str] = set()
    for p in gen.papers(count):
        vocab.update(p.abstract.lower().split())
    print(gen.paper(0))
    print(f"{count} papers, {len(vocab)} distinct abstract words")
