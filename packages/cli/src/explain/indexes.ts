/**
 * The algorithm classes `annlab explain` draws, taken from @annlab/bench's typed class map
 * (`ANNLAB_CLASSES`, `PCA_CLASSES`): the CLI depends on the harness, which depends on every
 * algorithm package. They are the classes themselves, not duck types, so the pictures read
 * the indexes' own explain output and inspection accessors with their real types, and a
 * change to those fails to compile here.
 *
 * Each name below is both the class (a value, to construct with) and its instance type.
 *
 * @module
 */
import { ANNLAB_CLASSES, PCA_CLASSES, type AnnlabClassMap, type PcaClassMap } from '@annlab/bench';

/** `@annlab/flat`'s exact index. */
export const FlatIndex: AnnlabClassMap['flat'] = ANNLAB_CLASSES.flat;
/** An exact index. */
export type FlatIndex = InstanceType<AnnlabClassMap['flat']>;

/** `@annlab/hnsw`'s HNSW graph. */
export const HnswIndex: AnnlabClassMap['hnsw'] = ANNLAB_CLASSES.hnsw;
/** An HNSW graph. */
export type HnswIndex = InstanceType<AnnlabClassMap['hnsw']>;

/** `@annlab/rpforest`'s random-projection forest. */
export const RpForestIndex: AnnlabClassMap['rpforest'] = ANNLAB_CLASSES.rpforest;
/** A random-projection forest. */
export type RpForestIndex = InstanceType<AnnlabClassMap['rpforest']>;

/** `@annlab/ivfpq`'s IVF-Flat index. */
export const IvfFlatIndex: AnnlabClassMap['ivfflat'] = ANNLAB_CLASSES.ivfflat;
/** An IVF-Flat index. */
export type IvfFlatIndex = InstanceType<AnnlabClassMap['ivfflat']>;

/** `@annlab/ivfpq`'s IVF-PQ index. */
export const IvfPqIndex: AnnlabClassMap['ivfpq'] = ANNLAB_CLASSES.ivfpq;
/** An IVF-PQ index. */
export type IvfPqIndex = InstanceType<AnnlabClassMap['ivfpq']>;

/** `@annlab/lsh`'s locality-sensitive hashing index. */
export const LshIndex: AnnlabClassMap['lsh'] = ANNLAB_CLASSES.lsh;
/** An LSH index. */
export type LshIndex = InstanceType<AnnlabClassMap['lsh']>;

/** `@annlab/nndescent`'s NN-Descent graph index. */
export const NnDescentIndex: AnnlabClassMap['nndescent'] = ANNLAB_CLASSES.nndescent;
/** An NN-Descent graph index. */
export type NnDescentIndex = InstanceType<AnnlabClassMap['nndescent']>;

/** `@annlab/vamana`'s Vamana graph. */
export const VamanaIndex: AnnlabClassMap['vamana'] = ANNLAB_CLASSES.vamana;
/** A Vamana graph. */
export type VamanaIndex = InstanceType<AnnlabClassMap['vamana']>;

/** `@annlab/pca`'s PCA transform. */
export const Pca: PcaClassMap['Pca'] = PCA_CLASSES.Pca;
/** A PCA transform. */
export type Pca = InstanceType<PcaClassMap['Pca']>;
